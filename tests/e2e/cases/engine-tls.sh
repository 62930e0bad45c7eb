#!/bin/bash
# tcp:// with TLS: an engine of its own listening on tcp://127.0.0.1:2376 with
# --tlsverify; stackc reaches it with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, and fails
# clearly (exit 3, naming the certificate problem) with the wrong CA.
. "$E2E_DIR/lib.sh"
command -v openssl >/dev/null || skip "no openssl"

certs=$PWD/certs wrong=$PWD/wrong
mkdir -p "$certs" "$wrong"
ca() { # dir
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stackc e2e CA" \
		-keyout "$1/ca-key.pem" -out "$1/ca.pem" 2>/dev/null
}
sign() { # name, extensions
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$certs/$1-key.pem" \
		-out "$certs/$1.csr" 2>/dev/null
	printf '%s\n' "$2" >"$certs/$1.ext"
	openssl x509 -req -in "$certs/$1.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca-key.pem" \
		-CAcreateserial -days 2 -extfile "$certs/$1.ext" -out "$certs/$1-cert.pem" 2>/dev/null
}
ca "$certs"
ca "$wrong"
sign server 'subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth'
sign client 'extendedKeyUsage=clientAuth'
# DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem
cp "$certs/client-cert.pem" "$certs/cert.pem"; cp "$certs/client-key.pem" "$certs/key.pem"
cp "$certs/cert.pem" "$certs/key.pem" "$wrong/"

export LAB=$LAB-tls
trap '"$E2E_DIR/lab.sh" down >/dev/null 2>&1' EXIT
LAB_DOCKERD_ARGS="--tlsverify --tlscacert=$certs/ca.pem --tlscert=$certs/server-cert.pem --tlskey=$certs/server-key.pem -H tcp://127.0.0.1:2376" \
	"$E2E_DIR/lab.sh" up 1 >/dev/null
export DOCKER_HOST=$("$E2E_DIR/lab.sh" host 1)

cat >stack.yml <<YML
version: "3.8"
services:
  web:
    image: $IMAGE
    command: sleep 100000
    stop_grace_period: 1s
YML
docker stack deploy --resolve-image never -c stack.yml tls >/dev/null

# in the engine's network namespace, where 127.0.0.1:2376 is its listener
tcp() { "$E2E_DIR/lab.sh" exec 1 env DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 "$@"; }

tcp DOCKER_CERT_PATH="$certs" "$STACKC" ls >mine.out 2>mine.err || fail "ls over TLS: $(cat mine.err)"
tcp DOCKER_CERT_PATH="$certs" "$DOCKER" stack ls >theirs.out
expect_same "ls over TLS" theirs.out mine.out
grep -q '^tls ' mine.out || fail "stack missing: $(cat mine.out)"
# the port defaults to 2376 with TLS
"$E2E_DIR/lab.sh" exec 1 env DOCKER_HOST=tcp://127.0.0.1 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs" \
	"$STACKC" services tls >/dev/null || fail "tcp:// without a port"

set +e
tcp DOCKER_CERT_PATH="$wrong" "$STACKC" ls >/dev/null 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "wrong CA: exit $rc, expected 3"
grep -qi 'certificate' err || fail "wrong CA: message does not mention the certificate: $(cat err)"
grep -q '^stackc ls: ' err || fail "wrong CA: message: $(cat err)"
echo "wrong CA: $(cat err)"

# plain http to a TLS port fails too, without hanging
set +e
"$E2E_DIR/lab.sh" exec 1 env DOCKER_HOST=tcp://127.0.0.1:2376 "$STACKC" ls >/dev/null 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "http to a TLS port: exit $rc: $(cat err)"
