#!/usr/bin/env bash
# Installs what the soak campaigns on real file-system stacks need
# (ci/soak.sh, ci/targets/*.sh), on top of ci/install.sh: mkfs for ext4 and
# xfs, FUSE and the FUSE file systems of the soak targets (bindfs,
# fuse-overlayfs, mergerfs, unionfs-fuse, gocryptfs, ntfs-3g, sshfs with an
# sshd for loopback, rclone's mount of a local directory),
# unshare/setsid/mount, pgrep, and jq (for reading summary.json by hand;
# the scripts use grep/sed).
# Kept apart from ci/install.sh so that the normal test path stays fast.
# Idempotent; safe to run as root on a fresh Debian bookworm machine.
set -euo pipefail

exec "$(dirname "$0")/install.sh" \
  e2fsprogs xfsprogs \
  fuse3 bindfs fuse-overlayfs rclone \
  mergerfs unionfs-fuse gocryptfs ntfs-3g sshfs openssh-server openssh-client \
  util-linux mount procps \
  jq
