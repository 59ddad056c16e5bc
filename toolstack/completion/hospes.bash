# bash completion for hospes, the Hospes toolstack CLI
_hospes_domains()
{
	hospes "${global[@]}" list 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_hospes()
{
	local cur prev cmd i global=()
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmds="create list info pause unpause destroy shutdown reboot mem-set mem-max store top stats events status console block-attach block-detach network-attach network-detach help"

	# the command is the first word that is not a global option
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--socket) global+=(--socket "${COMP_WORDS[i+1]}"); ((i++)) ;;
		--json) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $prev == --socket ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--socket --json $cmds" -- "$cur"))
		fi
		return
	fi
	case $cmd in
	create)
		COMPREPLY=($(compgen -f -W "--paused" -- "$cur")) ;;
	info|pause|unpause|destroy|stats|mem-set|mem-max|console|block-attach|block-detach|network-attach|network-detach)
		[[ $prev == "$cmd" ]] && COMPREPLY=($(compgen -W "$(_hospes_domains)" -- "$cur")) ;;
	shutdown|reboot)
		if [[ $prev == "$cmd" ]]; then
			COMPREPLY=($(compgen -W "$(_hospes_domains)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--timeout --wait" -- "$cur"))
		fi ;;
	store)
		[[ $prev == store ]] && COMPREPLY=($(compgen -W "read write ls rm watch" -- "$cur")) ;;
	top)
		COMPREPLY=($(compgen -W "--interval --iterations" -- "$cur")) ;;
	events)
		COMPREPLY=($(compgen -W "--count" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	esac
}
complete -F _hospes hospes
