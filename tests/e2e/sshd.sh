# An sshd for e2e cases (sourced after lib.sh): it listens on 127.0.0.1:$SSH_PORT inside node 1's
# network namespace, lets root in with a key made for the case, and its sessions reach the lab's
# engine (SetEnv DOCKER_HOST), so `ssh ... docker system dial-stdio` there is a remote docker.
#
#   sshd_start DIR   keys (DIR/id, DIR/wrong: a key it does not accept), host key, configs, and
#                    DIR/bin/ssh: a wrapper first on PATH that runs the system ssh with DIR/ssh_config
#                    (known hosts in DIR, batch mode), the key $SSH_KEY (default DIR/id), and logs
#                    each start to DIR/ssh.log
#   sshd_stop DIR    stop it (by its pid file)
#   in_lab CMD...    run CMD in node 1's network namespace, where 127.0.0.1:$SSH_PORT is the sshd
SSH_PORT=2222
SSH_HOST=ssh://root@127.0.0.1:$SSH_PORT

in_lab() { "$E2E_DIR/lab.sh" exec 1 "$@"; }

sshd_start() {
	local d=$1
	mkdir -p "$d/bin"
	ssh-keygen -q -t ed25519 -N '' -C stackc-e2e -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -C stackc-e2e -f "$d/id"
	ssh-keygen -q -t ed25519 -N '' -C stackc-e2e-wrong -f "$d/wrong"
	cp "$d/id.pub" "$d/authorized_keys"
	cat >"$d/sshd_config" <<CFG
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
SetEnv DOCKER_HOST=$DOCKER_HOST
CFG
	cat >"$d/ssh_config" <<CFG
Host *
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking accept-new
  BatchMode yes
CFG
	cat >"$d/bin/ssh" <<SH
#!/bin/sh
echo "\$\$ \$*" >>"$d/ssh.log"
exec /usr/bin/ssh -F "$d/ssh_config" -i "\${SSH_KEY:-$d/id}" "\$@"
SH
	chmod +x "$d/bin/ssh"
	# the privilege separation directory the package's service would make
	if [ ! -d /run/sshd ]; then mkdir -p /run/sshd; touch "$d/made-run-sshd"; fi
	in_lab /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" || fail "sshd did not start: $(tail -3 "$d/sshd.log")"
	wait_until 10 test -s "$d/sshd.pid"
}

sshd_stop() {
	local d=$1 pid
	pid=$(cat "$d/sshd.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	[ -f "$d/made-run-sshd" ] && rmdir /run/sshd 2>/dev/null
	return 0
}
