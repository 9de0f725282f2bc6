#!/usr/bin/env bash
# The container image's root filesystem, assembled from a built ddbd:
#
#   docker/image-rootfs.sh BUILD/ddbd OUTDIR      (make image-rootfs: build/image-rootfs)
#
# OUTDIR (emptied first) gets exactly what the Dockerfile's runtime stage
# copies into `FROM scratch`:
#   /usr/local/bin/ddbd        a stripped copy of the binary
#   the shared objects `ldd` lists for it (and the loader), at the same paths
#   /etc/passwd, /etc/group    root and ddbd (uid/gid 65532, the image's USER)
#   /etc/hosts                 localhost (Docker mounts its own over it)
#   /data                      the data volume, owned by 65532
#   /home/dynamodblocal/data   DynamoDB Local's working directory and its
#                              `-dbPath ./data`, owned by 65532
#   /tmp                       1777, for --in-memory's store
# Ownership needs root; as another user the files keep that user's ids (the
# Dockerfile's build stage runs as root).  Prints the tree's size (du).
set -euo pipefail

bin=${1:?usage: image-rootfs.sh PATH/TO/ddbd OUTDIR}
out=${2:?usage: image-rootfs.sh PATH/TO/ddbd OUTDIR}
[ -x "$bin" ] || { echo "image-rootfs: $bin is not an executable" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"/{usr/local/bin,etc,data,tmp,home/dynamodblocal/data}
strip --strip-all -o "$out/usr/local/bin/ddbd" "$bin"

# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and the loader's
# "/lib64/ld-linux-x86-64.so.2 (0x...)"; the vDSO has no file.
libs=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
if ldd "$bin" | grep -q "not found"; then
  echo "image-rootfs: unresolved libraries:" >&2; ldd "$bin" | grep "not found" >&2; exit 1
fi
for lib in $libs; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
ddbd:x:65532:65532:ddbd:/home/dynamodblocal:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
ddbd:x:65532:
GROUP
cat > "$out/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
HOSTS

chmod 0755 "$out" "$out"/{usr,usr/local,usr/local/bin,etc,home,home/dynamodblocal,home/dynamodblocal/data,data}
chmod 1777 "$out/tmp"
if [ "$(id -u)" = 0 ]; then
  chown -R 0:0 "$out"
  chown 65532:65532 "$out/data" "$out/home/dynamodblocal" "$out/home/dynamodblocal/data"
else
  echo "image-rootfs: not root, files keep uid $(id -u) (the image wants 0, and 65532 for /data)" >&2
fi

echo "image-rootfs: $out: $(du -sb "$out" | cut -f1) bytes ($(du -sh --apparent-size "$out" | cut -f1)), $(find "$out" -type f | wc -l) files"
