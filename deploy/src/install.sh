#!/usr/bin/env bash
# Installs this Owlet image as a systemd service. Run as root from the unpacked tarball:
#   sudo ./install.sh [--prefix DIR] [--user NAME] [--mqtt URL] [--http PORT] [--start] [--dry-run] [--root DIR]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: sudo ./install.sh [--prefix DIR] [--user NAME] [--mqtt URL] [--http PORT] [--start] [--dry-run]
                         [--root DIR]

Installs Owlet as the systemd service "owlet":
  1. copies this image to DIR (default /opt/owlet), replacing an older copy there, and makes its
     class-data archive (lib/owlet-*.jsa: the classes Owlet loads at start, for a faster start);
  2. creates the system user NAME (default owlet) without login or home, and the groups gpio and video
     if this system has none (Raspberry Pi OS has both), and runs the service in them;
  3. copies the model and labels this image carries to /var/lib/owlet/models/ (the service's state
     folder), and writes /etc/owlet/owlet.properties for them unless that file exists: a button on
     BCM 17, an LED on BCM 27, the camera module (rpicam-still); --mqtt URL adds results on an MQTT
     broker with Home Assistant discovery (mqtt://HOST[:PORT] or mqtts://...), --http PORT a status
     page on that port (this machine only: 127.0.0.1; see README.md for http.bind and http.token);
  4. installs /etc/systemd/system/owlet.service and enables it at boot;
  5. with --start, (re)starts it now.
Running it again updates the image, the model files and the unit, and keeps the configuration.
--dry-run prints the commands instead of running them (no root or systemd needed).
--root DIR installs into DIR as if it were / (paths in the configuration lie under DIR), without
users, groups or systemctl: for tests, and for preparing a system image. No root needed.
EOF
}

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

prefix=/opt/owlet user=owlet start=0 dry=0 sysroot="" mqtt="" http=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
    --mqtt) [ $# -ge 2 ] || die "--mqtt needs a broker URL"; mqtt=$2; shift 2 ;;
    --http) [ $# -ge 2 ] || die "--http needs a port"; http=$2; shift 2 ;;
    --start) start=1; shift ;;
    --dry-run) dry=1; shift ;;
    --root) [ $# -ge 2 ] || die "--root needs a directory"; sysroot=${2%/}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'install.sh: unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, not '$prefix'" ;; esac
if [ -n "$sysroot" ]; then
  case "$sysroot" in /*) ;; *) die "--root must be an absolute path, not '$sysroot'" ;; esac
  [ "$start" = 0 ] || die "--start cannot start a service installed under --root"
fi
case "$mqtt" in ""|mqtt://?*|mqtts://?*|tcp://?*|ssl://?*) ;; *) die "--mqtt needs mqtt://HOST[:PORT] or mqtts://HOST[:PORT], not '$mqtt'" ;; esac
case "$mqtt" in *[[:space:]]*) die "--mqtt: a URL has no spaces: '$mqtt'" ;; esac
case "$http" in
  "") ;;
  *[!0-9]*|0*|??????*) die "--http needs a port number (1-65535), not '$http'" ;;
  *) if [ "$http" -gt 65535 ]; then die "--http needs a port number (1-65535), not '$http'"; fi ;;
esac
case "$user" in *[!a-z0-9_-]*|"") die "--user must be a plain user name (a-z, 0-9, _ and -), not '$user'" ;; esac

src=$(cd "$(dirname "$0")" && pwd -P)
if [ ! -x "$src/bin/owlet" ] || [ ! -f "$src/systemd/owlet.service" ]; then
  die "run install.sh from the unpacked Owlet image"
fi
if [ "$dry" = 0 ] && [ -z "$sysroot" ]; then
  # Checked before anything changes: a system without a running systemd is left untouched.
  [ "$(id -u)" = 0 ] || die "run as root: sudo $0 $*"
  [ -d /run/systemd/system ] || die "systemd is not running on this system; this script installs a systemd service"
fi
# Where things go on the system the service runs on, and (with --root) where they are written now.
unit=/etc/systemd/system/owlet.service config=/etc/owlet/owlet.properties state=/var/lib/owlet
r_prefix=$sysroot$prefix r_unit=$sysroot$unit r_config=$sysroot$config r_state=$sysroot$state
done_list=()
# run CMD...: runs it, or with --dry-run prints it.
run() {
  if [ "$dry" = 1 ]; then printf '+ %s\n' "$*"; else "$@"; fi
}

# 1. The image.
if [ "$src" != "$(readlink -f "$r_prefix" 2>/dev/null || echo "$r_prefix")" ]; then
  run rm -rf "$r_prefix.new"
  run mkdir -p "$(dirname "$r_prefix")"
  run cp -a "$src" "$r_prefix.new"
  [ -n "$sysroot" ] || run chown -R root:root "$r_prefix.new"
  run rm -rf "$r_prefix.old"
  if [ -e "$r_prefix" ]; then run mv "$r_prefix" "$r_prefix.old"; fi
  run mv "$r_prefix.new" "$r_prefix"
  run rm -rf "$r_prefix.old"
  done_list+=("copied the image to $r_prefix (owned by root, read-only for the service)")
fi
# The class-data archive (faster start): bin/owlet makes it on its first run where it may write lib/, which
# the service's user may not; made here, as root. An archive the unpacked image made for itself names
# that folder's paths, which the JVM would refuse here: it goes first.
run rm -f "$r_prefix"/lib/owlet-*.jsa "$r_prefix"/lib/owlet-*.jsa.failed
if [ -n "$sysroot" ]; then
  done_list+=("skipped the class-data archive (--root; as root on the target, $prefix/bin/owlet --version makes it)")
elif [ "$dry" = 1 ]; then
  run "$r_prefix/bin/owlet" --version
elif "$r_prefix/bin/owlet" --version >/dev/null && ls "$r_prefix"/lib/owlet-*.jsa >/dev/null 2>&1; then
  done_list+=("made the class-data archive $(ls "$r_prefix"/lib/owlet-*.jsa) (a faster start for every command)")
else
  done_list+=("could not make the class-data archive (Owlet runs without it, slower to start; see above)")
fi

# 2. User and groups. GPIO chips belong to gpio (Raspberry Pi 4 and earlier) or dialout (Raspberry Pi 5),
# cameras to video.
if [ -n "$sysroot" ]; then
  done_list+=("skipped the user $user and the groups gpio, dialout, video (--root)")
else
  for group in gpio dialout video; do
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
fi

# 3. The model and labels, and a configuration for them.
model_name=""
for f in "$src"/models/*.tflite; do
  if [ -f "$f" ]; then model_name=$(basename "$f"); break; fi
done
if [ -n "$model_name" ]; then
  run install -d -m 0755 "$r_state" "$r_state/models"
  run install -m 0644 "$src/models/$model_name" "$r_state/models/$model_name"
  [ ! -f "$src/models/labels.txt" ] || run install -m 0644 "$src/models/labels.txt" "$r_state/models/labels.txt"
  [ -n "$sysroot" ] || run chown -R "$user:$user" "$r_state"
  labels_note=""
  if [ -f "$src/models/labels.txt" ]; then labels_note=" and its labels"; fi
  done_list+=("installed the model $model_name$labels_note in $r_state/models")
fi
if [ -e "$r_config" ]; then
  done_list+=("kept your configuration $r_config${mqtt:+ (--mqtt not applied: set mqtt.url there)}${http:+ (--http not applied: set http.port there)}")
else
  rendered_config=$(mktemp)
  sed -e "s|@STATE@|$sysroot$state|g" -e "s|@MODEL@|${model_name:-model.tflite}|g" \
    -e "s|/opt/owlet/|$prefix/|g" "$src/etc/owlet.properties" > "$rendered_config"
  [ -f "$src/models/labels.txt" ] || sed -i '/^labels = /d' "$rendered_config"
  if [ -n "$mqtt" ]; then
    printf '\n# Results on an MQTT broker, with Home Assistant discovery (install.sh --mqtt).\nmqtt.url = %s\n' \
      "$mqtt" >> "$rendered_config"
  fi
  if [ -n "$http" ]; then
    printf '\n# The status page, on this machine only: http://127.0.0.1:%s/ (install.sh --http).\nhttp.port = %s\n' \
      "$http" "$http" >> "$rendered_config"
  fi
  run install -d -m 0755 "$(dirname "$r_config")"
  run install -m 0644 "$rendered_config" "$r_config"
  rm -f "$rendered_config"
  done_list+=("wrote the configuration $r_config${model_name:+ for $model_name}${mqtt:+, results to $mqtt}${http:+, a status page on port $http}")
fi

# 4. The unit, with this prefix and user.
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
sed -e "s|/opt/owlet|$sysroot$prefix|g" -e "s|/etc/owlet/|$sysroot/etc/owlet/|g" \
  -e "s|^User=owlet$|User=$user|" -e "s|^Group=owlet$|Group=$user|" \
  "$src/systemd/owlet.service" > "$rendered"
run install -d -m 0755 "$(dirname "$r_unit")"
run install -m 0644 "$rendered" "$r_unit"
if [ -n "$sysroot" ]; then
  done_list+=("installed $r_unit (not enabled: --root)")
else
  run systemctl daemon-reload
  run systemctl enable --quiet owlet.service
  done_list+=("installed $unit and enabled it at boot (runs as $user in groups gpio, dialout and video, restarts on failure)")
fi

# 5. Start.
if [ "$start" = 1 ]; then
  run systemctl restart owlet.service
  done_list+=("started the service")
fi

if [ "$dry" = 1 ]; then say "dry run, nothing changed; it would have:"; else say "done:"; fi
for line in "${done_list[@]}"; do printf '  - %s\n' "$line"; done
if [ -n "$model_name" ]; then
  model_step="  - the model: $r_state/models/$model_name; another one: copy it there and change 'model' in $r_config"
else
  model_step="  - this image carries no model: copy a .tflite model (and labels.txt) to $r_state/models/ and set 'model' in $r_config"
fi
cat <<EOF

Next:
$model_step
  - check the configuration, model, camera and GPIO access without starting:
      sudo -u $user $r_prefix/bin/owlet run --check --config $r_config
  - start the service: sudo systemctl start owlet; follow its log: journalctl -u owlet -f
  - stop and remove: sudo systemctl disable --now owlet; sudo rm $unit; sudo rm -r $prefix /etc/owlet $state;
    sudo userdel $user
EOF
if [ "$start" = 1 ] && [ "$dry" = 0 ]; then systemctl --no-pager status owlet.service | head -5 || true; fi
