#!/usr/bin/env bash
# Installs this Owlet image as a systemd service. Run as root from the unpacked tarball:
#   sudo ./install.sh [--prefix DIR] [--user NAME] [--start] [--dry-run]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: sudo ./install.sh [--prefix DIR] [--user NAME] [--start] [--dry-run]

Installs Owlet as the systemd service "owlet":
  1. copies this image to DIR (default /opt/owlet), replacing an older copy there;
  2. creates the system user NAME (default owlet) without login or home, and the groups gpio and video
     if this system has none (Raspberry Pi OS has both), and runs the service in them;
  3. copies the sample configuration to /etc/owlet/owlet.properties unless that file exists;
  4. installs /etc/systemd/system/owlet.service and enables it at boot;
  5. with --start, (re)starts it now. Without it, edit the configuration first, then start it.
Running it again updates the image and the unit and keeps the configuration.
--dry-run prints the commands instead of running them (no root or systemd needed).
EOF
}

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

prefix=/opt/owlet user=owlet start=0 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
    --start) start=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'install.sh: unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, not '$prefix'" ;; esac
case "$user" in *[!a-z0-9_-]*|"") die "--user must be a plain user name (a-z, 0-9, _ and -), not '$user'" ;; esac

src=$(cd "$(dirname "$0")" && pwd -P)
if [ ! -x "$src/bin/owlet" ] || [ ! -f "$src/systemd/owlet.service" ]; then
  die "run install.sh from the unpacked Owlet image"
fi
if [ "$dry" = 0 ]; then
  # Checked before anything changes: a system without a running systemd is left untouched.
  [ "$(id -u)" = 0 ] || die "run as root: sudo $0 $*"
  [ -d /run/systemd/system ] || die "systemd is not running on this system; this script installs a systemd service"
fi
unit=/etc/systemd/system/owlet.service config=/etc/owlet/owlet.properties
done_list=()
# run CMD...: runs it, or with --dry-run prints it.
run() {
  if [ "$dry" = 1 ]; then printf '+ %s\n' "$*"; else "$@"; fi
}

# 1. The image.
if [ "$src" != "$(readlink -f "$prefix" 2>/dev/null || echo "$prefix")" ]; then
  run rm -rf "$prefix.new"
  run mkdir -p "$(dirname "$prefix")"
  run cp -a "$src" "$prefix.new"
  run chown -R root:root "$prefix.new"
  run rm -rf "$prefix.old"
  if [ -e "$prefix" ]; then run mv "$prefix" "$prefix.old"; fi
  run mv "$prefix.new" "$prefix"
  run rm -rf "$prefix.old"
  done_list+=("copied the image to $prefix (owned by root, read-only for the service)")
fi

# 2. User and groups.
for group in gpio video; do
  if ! getent group "$group" >/dev/null; then
    run groupadd --system "$group"
    done_list+=("created the group $group (this system had none; on a Raspberry Pi it gives access to /dev/gpiochip*, /dev/video*)")
  fi
done
if id -u "$user" >/dev/null 2>&1; then
  done_list+=("kept the existing user $user")
else
  run useradd --system --user-group --no-create-home --home-dir /var/lib/owlet --shell /usr/sbin/nologin "$user"
  done_list+=("created the system user $user (no login shell, no password)")
fi

# 3. Configuration.
if [ -e "$config" ]; then
  done_list+=("kept your configuration $config (the sample is $prefix/etc/owlet.properties)")
else
  run install -d -m 0755 /etc/owlet
  run install -m 0644 "$src/etc/owlet.properties" "$config"
  done_list+=("copied the sample configuration to $config")
fi

# 4. The unit, with this prefix and user.
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
sed -e "s|/opt/owlet|$prefix|g" -e "s|^User=owlet$|User=$user|" -e "s|^Group=owlet$|Group=$user|" \
  "$src/systemd/owlet.service" > "$rendered"
run install -m 0644 "$rendered" "$unit"
run systemctl daemon-reload
run systemctl enable --quiet owlet.service
done_list+=("installed $unit and enabled it at boot (runs as $user in groups gpio and video, restarts on failure)")

# 5. Start.
if [ "$start" = 1 ]; then
  run systemctl restart owlet.service
  done_list+=("started the service")
fi

if [ "$dry" = 1 ]; then say "dry run, nothing changed; it would have:"; else say "done:"; fi
for line in "${done_list[@]}"; do printf '  - %s\n' "$line"; done
cat <<EOF

Next:
  - put the model (and labels) where $config says, and edit it: sudo nano $config
  - try it by hand: sudo -u $user $prefix/bin/owlet run --config $config --max-triggers 1
  - start the service: sudo systemctl start owlet; follow its log: journalctl -u owlet -f
  - stop and remove: sudo systemctl disable --now owlet; sudo rm $unit; sudo rm -r $prefix /etc/owlet;
    sudo userdel $user
EOF
if [ "$start" = 1 ] && [ "$dry" = 0 ]; then systemctl --no-pager status owlet.service | head -5 || true; fi
