#!/usr/bin/env bash
# Installs the real components the goneaway lab drives (Debian 12). Idempotent: when every
# binary/module is present it returns at once without touching apt (CI warm machines).
# Never starts or enables system services: the lab runs its own processes in a temp dir.
set -euo pipefail

PKGS=(haproxy mariadb-server mariadb-client php-cli php-mysql python3-pymysql rsyslog)

have_all() {
  command -v haproxy >/dev/null 2>&1 || return 1
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || return 1
  command -v mariadb-install-db >/dev/null 2>&1 || return 1
  command -v mariadb >/dev/null 2>&1 || return 1
  command -v php >/dev/null 2>&1 || return 1
  php -r 'exit(extension_loaded("pdo_mysql") ? 0 : 1);' >/dev/null 2>&1 || return 1
  /usr/bin/python3 -c 'import pymysql' >/dev/null 2>&1 || return 1
  [ -x /usr/sbin/rsyslogd ] || return 1
  return 0
}

if have_all; then
  echo "lab components already installed"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "install.sh: lab components missing (${PKGS[*]}) and not running as root; install them or run as root" >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps dpkg from starting mariadb/haproxy/rsyslog system services on install:
# the lab must not depend on (or collide with) them.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$POLICY"; chmod +x "$POLICY"; CREATED_POLICY=1
fi
trap 'if [ "$CREATED_POLICY" = 1 ]; then rm -f "$POLICY"; fi' EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
have_all || { echo "install.sh: components still missing after apt-get install" >&2; exit 3; }
echo "lab components installed"
