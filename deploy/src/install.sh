#!/usr/bin/env bash
# Installs this Owlet image as a systemd service. Run as root from the unpacked tarball:
#   sudo ./install.sh [--prefix DIR] [--user NAME] [--start]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: sudo ./install.sh [--prefix DIR] [--user NAME] [--start]

Installs Owlet as the systemd service "owlet":
  1. copies this image to DIR (default /opt/owlet), replacing an older copy there;
  2. creates the system user NAME (default owlet) without login or home, and the groups gpio and video
     if this system has none (Raspberry Pi OS has both), and runs the service in them;
  3. copies the sample configuration to /etc/owlet/owlet.properties unless that file exists;
  4. installs /etc/systemd/system/owlet.service and enables it at boot;
  5. with --start, (re)starts it now. Without it, edit the configuration first, then start it.
Running it again updates the image and the unit and keeps the configuration.
EOF
}

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

prefix=/opt/owlet user=owlet start=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
    --start) start=1; shift ;;
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
[ "$(id -u)" = 0 ] || die "run as root: sudo $0 $*"
command -v systemctl >/dev/null || die "systemctl not found: this script installs a systemd service"
unit=/etc/systemd/system/owlet.service config=/etc/owlet/owlet.properties
done_list=()

# 1. The image.
if [ "$src" != "$(readlink -f "$prefix" 2>/dev/null || echo "$prefix")" ]; then
  rm -rf "$prefix.new"
  mkdir -p "$(dirname "$prefix")"
  cp -a "$src" "$prefix.new"
  rm -rf "$prefix.old"
  if [ -e "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
  mv "$prefix.new" "$prefix"
  rm -rf "$prefix.old"
  chown -R root:root "$prefix"
  done_list+=("copied the image to $prefix (owned by root, read-only for the service)")
fi

# 2. User and groups.
for group in gpio video; do
  if ! getent group "$group" >/dev/null; then
    groupadd --system "$group"
    done_list+=("created the group $group (this system had none; on a Raspberry Pi it gives access to /dev/gpiochip*, /dev/video*)")
  fi
done
if id -u "$user" >/dev/null 2>&1; then
  done_list+=("kept the existing user $user")
else
  useradd --system --user-group --no-create-home --home-dir /var/lib/owlet --shell /usr/sbin/nologin "$user"
  done_list+=("created the system user $user (no login shell, no password)")
fi

# 3. Configuration.
if [ -e "$config" ]; then
  done_list+=("kept your configuration $config (the sample is $prefix/etc/owlet.properties)")
else
  install -d -m 0755 /etc/owlet
  install -m 0644 "$prefix/etc/owlet.properties" "$config"
  done_list+=("copied the sample configuration to $config")
fi

# 4. The unit, with this prefix and user.
sed -e "s|/opt/owlet|$prefix|g" -e "s|^User=owlet$|User=$user|" -e "s|^Group=owlet$|Group=$user|" \
  "$prefix/systemd/owlet.service" > "$unit.new"
mv "$unit.new" "$unit"
systemctl daemon-reload
systemctl enable owlet.service >/dev/null 2>&1
done_list+=("installed $unit and enabled it at boot (runs as $user in groups gpio and video, restarts on failure)")

# 5. Start.
if [ "$start" = 1 ]; then
  systemctl restart owlet.service
  done_list+=("started the service")
fi

say "done:"
for line in "${done_list[@]}"; do printf '  - %s\n' "$line"; done
cat <<EOF

Next:
  - put the model (and labels) where $config says, and edit it: sudo nano $config
  - try it by hand: sudo -u $user $prefix/bin/owlet run --config $config --max-triggers 1
  - start the service: sudo systemctl start owlet; follow its log: journalctl -u owlet -f
  - stop and remove: sudo systemctl disable --now owlet; sudo rm $unit; sudo rm -r $prefix /etc/owlet
EOF
if [ "$start" = 1 ]; then systemctl --no-pager status owlet.service | head -5 || true; fi
