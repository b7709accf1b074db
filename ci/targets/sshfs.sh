#!/usr/bin/env bash
# Soak target: sshfs (FUSE over SFTP; remote home directories, dev
# containers) of a directory on plain disk, served by an sshd of its own on
# 127.0.0.1 with throwaway keys made for the run. sshd and sshfs run inside
# the private mount and PID namespaces (the network namespace is the
# host's: sshd listens on loopback only). Skipped when /dev/fuse is
# unavailable.
#   ci/targets/sshfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

setup() {
  soak_need_fuse
  soak_need sshfs ssh-keygen /usr/sbin/sshd python3
  local keys=$SOAK_WORK/ssh port
  mkdir -p "$keys" "$SOAK_WORK/source" /run/sshd
  chmod 700 "$keys"
  ssh-keygen -q -t ed25519 -N '' -f "$keys/host" || soak_fail "ssh-keygen (host)"
  ssh-keygen -q -t ed25519 -N '' -f "$keys/user" || soak_fail "ssh-keygen (user)"
  cp "$keys/user.pub" "$keys/authorized_keys"
  port=$(free_port) || soak_fail "no free port on 127.0.0.1"
  cat > "$keys/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $keys/host
AuthorizedKeysFile $keys/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PidFile $keys/sshd.pid
Subsystem sftp internal-sftp
CONF
  /usr/sbin/sshd -D -e -f "$keys/sshd_config" > "$SOAK_WORK/sshd.log" 2>&1 &
  local sshd=$!
  soak_on_exit "kill $sshd 2>/dev/null; wait $sshd 2>/dev/null"
  local i
  for ((i = 0; i < 50; i++)); do
    grep -q "Server listening" "$SOAK_WORK/sshd.log" && break
    kill -0 "$sshd" 2> /dev/null || { cat "$SOAK_WORK/sshd.log" >&2; soak_fail "sshd did not start"; }
    sleep 0.1
  done
  soak_fuse_daemon "$SOAK_WORK/mnt" sshfs -f \
    -o "port=$port,IdentityFile=$keys/user,StrictHostKeyChecking=no" \
    -o "UserKnownHostsFile=/dev/null,BatchMode=yes" \
    "root@127.0.0.1:$SOAK_WORK/source" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target sshfs setup "$@"
