#!/usr/bin/env bash
# Prepares this machine for the MTA interop suite (test/interop/). Run as root; idempotent.
# Debian's MTA packages conflict with each other (installing one removes the other), so only
# Postfix is installed with apt; Exim, Sendmail and OpenSMTPD are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into $INTEROP_PKGS/root, and the suite
# runs them from there with configurations of its own. Their shared libraries that are not on
# the machine are installed with apt (they conflict with nothing). BIND (named) serves the
# suite's zones, rbldnsd its blocklist, swaks is a second SMTP client. Haraka comes from npm
# (a devDependency). Nothing is started here: the suite starts and stops every process.
set -euo pipefail
pkgs=${INTEROP_PKGS:-/var/cache/smtp-audit-interop}
if [ "$(id -u)" -ne 0 ]; then echo "test/interop/setup.sh: run as root (it installs packages and adds system users)" >&2; exit 2; fi

export DEBIAN_FRONTEND=noninteractive
need=(postfix bind9 rbldnsd swaks openssl m4 libidn12 libwrap0 liblockfile1 libsasl2-2 libldap-2.5-0 libevent-2.1-7 libgnutls-dane0 libgnutls30 procps util-linux)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  # postfix asks debconf how it is used; "No configuration" leaves it unconfigured and stopped
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$pkgs/debs" "$pkgs/root"
if [ ! -x "$pkgs/root/usr/sbin/exim4" ] || [ ! -x "$pkgs/root/usr/libexec/sendmail/sendmail" ] || [ ! -x "$pkgs/root/usr/sbin/smtpd" ]; then
  (cd "$pkgs/debs" && apt-get download -qq exim4-daemon-light exim4-base exim4-config sendmail-bin sendmail-base sendmail-cf opensmtpd 2>/dev/null)
  for deb in "$pkgs"/debs/*.deb; do dpkg-deb -x "$deb" "$pkgs/root"; done
fi

# the system users the daemons switch to (their packages' maintainer scripts would add them)
for user in Debian-exim smmta smmsp opensmtpd opensmtpq _smtpd _smtpq; do
  id "$user" >/dev/null 2>&1 || useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
done
# OpenSMTPD's compiled-in paths: its privilege-separation chroot and its queue
mkdir -p /var/lib/opensmtpd/empty /var/spool/smtpd
# the suite's fixed work folders: Postfix must know alternate configuration folders, Exim must
# trust its configuration files when it runs as root with -C
work=${INTEROP_WORK:-/var/lib/smtp-audit-interop/run}
mkdir -p "$work"
dirs="$work/postfix-closed, $work/postfix-open"
postconf -e "alternate_config_directories = $dirs"
mkdir -p /etc/exim4
printf '%s\n' "$work/exim-closed/exim4.conf" "$work/exim-open/exim4.conf" "$work/exim-submission/exim4.conf" > /etc/exim4/trusted_configs

# named and Postfix listen only on addresses that an interface has: give lo the servers'
# addresses. Not the auditor's (127.0.0.99): Sendmail and Postfix trust the machine's own
# interface addresses, and the auditor must be an outside client to them.
for octet in 21 22 23 24 25 41 42 43 44 45 46 60 61; do
  ip -4 addr show dev lo | grep -q "inet 127.0.0.$octet/" || ip addr add "127.0.0.$octet/32" dev lo 2>/dev/null || true
done
echo "$pkgs/root"
