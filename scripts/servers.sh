#!/usr/bin/env bash
# Installs (if missing) and starts (if not running) the Firebird 3 and MariaDB servers that the
# demo and the specs use, on 127.0.0.1, without systemd. Safe to run any number of times.
#
# Settings (environment, with defaults):
#   FBSYNC_SYSDBA_PASSWORD  SYSDBA password set on a fresh Firebird install   (masterkey)
#   FBSYNC_MYSQL_USER       MariaDB user created for fbsync                    (fbsync)
#   FBSYNC_MYSQL_PASSWORD   its password                                       (fbsync)
set -euo pipefail

SYSDBA_PASSWORD=${FBSYNC_SYSDBA_PASSWORD:-masterkey}
MYSQL_USER=${FBSYNC_MYSQL_USER:-fbsync}
MYSQL_PASSWORD=${FBSYNC_MYSQL_PASSWORD:-fbsync}
FB_DATA_DIR=/var/lib/firebird/3.0/data

say() { echo "[servers] $*" >&2; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
dpkg -s firebird3.0-server >/dev/null 2>&1 || missing+=(firebird3.0-server)
dpkg -s firebird3.0-utils >/dev/null 2>&1 || missing+=(firebird3.0-utils)
dpkg -s mariadb-server >/dev/null 2>&1 || missing+=(mariadb-server)
# Firebird's EMPLOYEE example database (as an isql script), which the acceptance spec syncs.
dpkg -s firebird3.0-examples >/dev/null 2>&1 || missing+=(firebird3.0-examples)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  $SUDO apt-get update -qq
  echo "firebird3.0-server shared/firebird/sysdba_password/first_install password $SYSDBA_PASSWORD" | $SUDO debconf-set-selections
  # policy-rc.d keeps the packages' own service restarts out of the way: we start the daemons below.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  say "$2 did not start listening on 127.0.0.1:$1"; return 1
}

if ! port_open 3050; then
  say "starting Firebird 3"
  $SUDO /etc/init.d/firebird3.0 start >/dev/null 2>&1 || true
  wait_port 3050 Firebird
fi
$SUDO install -d -o firebird -g firebird "$FB_DATA_DIR"

# Debian's 128 MB InnoDB buffer pool does not hold a million-row table, so every scan (the
# bench's, a COUNT(*)) would go to the files; 1 GB does. Read at start, and set at once below.
MARIADB_CNF=/etc/mysql/mariadb.conf.d/90-fbsync.cnf
if [ ! -f "$MARIADB_CNF" ]; then
  printf '[mariadbd]\ninnodb_buffer_pool_size = 1G\n' | $SUDO tee "$MARIADB_CNF" >/dev/null
fi

if ! port_open 3306; then
  say "starting MariaDB"
  $SUDO /etc/init.d/mariadb start >/dev/null 2>&1 || true
  wait_port 3306 MariaDB
fi

# The fbsync user may create and drop the throwaway databases of the specs, hence the global grant.
$SUDO mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD';
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'localhost' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$MYSQL_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$MYSQL_USER'@'localhost';
SET GLOBAL innodb_buffer_pool_size = GREATEST(@@innodb_buffer_pool_size, 1073741824);
SQL

say "ready:"
say "  Firebird  firebird://SYSDBA:****@127.0.0.1:3050/$FB_DATA_DIR/<name>.fdb"
say "  MariaDB   mysql://$MYSQL_USER:****@127.0.0.1:3306/<database>"
say "  (passwords: SYSDBA as set at install, default masterkey; $MYSQL_USER as FBSYNC_MYSQL_PASSWORD, default fbsync)"
