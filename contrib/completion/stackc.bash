# bash completion for stackc. Install as
#   /usr/share/bash-completion/completions/stackc   (make install does), or
#   source it from ~/.bashrc.
# The candidates come from `stackc __complete WORD...` (commands, each
# command's options and their values from its option table, stack names from
# the swarm, service names from the compose files), so this script never
# needs to change when stackc does.

_stackc() {
	local line=${COMP_LINE:0:COMP_POINT} cur word
	local -a words candidates
	# split what is before the cursor ourselves: bash's COMP_WORDS also
	# breaks at '=' and ':', which --opt=value and -H tcp://... contain
	read -r -a words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	cur=${words[${#words[@]} - 1]}
	local IFS=$'\n'
	candidates=($("${COMP_WORDS[0]}" __complete "${words[@]:1}" 2>/dev/null))
	COMPREPLY=()
	local value=$cur
	[[ $cur == --*=* ]] && value=${cur#*=}
	case ${candidates[0]-} in
	:file) COMPREPLY=($(compgen -f -- "$value")); compopt -o filenames 2>/dev/null; return ;;
	:dir) COMPREPLY=($(compgen -d -- "$value")); compopt -o filenames 2>/dev/null; return ;;
	esac
	for word in "${candidates[@]}"; do
		COMPREPLY+=("${word%%$'\t'*}")
	done
	# a key= of --filter takes its value right after it
	[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
	# bash replaces only the part of the word after its last '=' or ':'
	local broken=${COMP_WORDS[COMP_CWORD]}
	if [[ $cur != "$broken" && $cur == *"$broken" ]]; then
		local head=${cur%"$broken"}
		COMPREPLY=("${COMPREPLY[@]#"$head"}")
	fi
}
complete -F _stackc stackc
