package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/wizard"
)

// refusedFlags are flags people try for a secret. They exist only to say
// why bbconnect takes no secret as a flag value and where it goes instead;
// the value given is never printed.
var refusedFlags = map[wizard.Field]string{
	wizard.FieldPassword:      "pipe it with --password-stdin or set " + EnvPassword,
	"app-password":            "pipe it with --password-stdin or set " + EnvPassword,
	"token":                   "pipe it with --password-stdin (or --token-stdin for rotate), or set " + EnvPassword + " or " + EnvAPIToken,
	wizard.FieldAPIToken:      "pipe it with --api-token-stdin or set " + EnvAPIToken,
	"secret":                  "pipe it with --password-stdin or set " + EnvPassword,
	wizard.FieldSSHPassphrase: "pipe it with --ssh-passphrase-stdin or set " + EnvSSHPassphrase,
	"passphrase":              "pipe it with --ssh-passphrase-stdin or set " + EnvSSHPassphrase,
}

// registerRefused adds the refused flags to fs, hidden from help.
func registerRefused(fs *pflag.FlagSet) {
	for field := range refusedFlags {
		name := string(field)
		if fs.Lookup(name) != nil {
			continue
		}
		fs.String(name, "", "refused: secrets are never flag values")
		_ = fs.MarkHidden(name)
	}
}

// refusedProblems names every refused flag that was given, with where the
// secret goes instead. A flag value ends up in shell history and in the
// process list, so it is refused even when it holds a real token.
func refusedProblems(fs *pflag.FlagSet) wizard.Problems {
	var given []wizard.Field
	for field := range refusedFlags {
		if f := fs.Lookup(string(field)); f != nil && f.Changed {
			given = append(given, field)
		}
	}
	slices.Sort(given)
	ps := make(wizard.Problems, 0, len(given))
	for _, field := range given {
		ps = append(ps, wizard.Problem{
			Field: field,
			Msg:   "secrets are never taken as flag values (they would end up in shell history and the process list); " + refusedFlags[field],
		})
	}
	return ps
}

// secretSource says where one secret comes from: a line of stdin (when
// the flag is set) or an environment variable.
type secretSource struct {
	slot     wizard.SecretSlot
	what     string       // "the http password"
	stdin    bool         // the --x-stdin flag was given
	flag     wizard.Field // password-stdin
	env      string       // "BBCONNECT_PASSWORD"
	required bool
}

// stdinLines reads the secrets of srcs whose stdin flag is set, one line
// each, in the order given. A missing or empty line is a problem naming
// the flag; so is a line longer than wizard.MaxSecretLen, which is not
// read to its end (stdin may be endless). No secret is ever part of a
// message.
func stdinLines(in io.Reader, srcs []secretSource) (map[wizard.SecretSlot]string, wizard.Problems) {
	out := map[wizard.SecretSlot]string{}
	var ps wizard.Problems
	r := bufio.NewReaderSize(in, wizard.MaxSecretLen+2) // the secret, \r and \n
	for _, s := range srcs {
		if !s.stdin {
			continue
		}
		raw, err := r.ReadSlice('\n')
		line := strings.TrimRight(string(raw), "\r\n")
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			ps = append(ps, wizard.Problem{Field: s.flag, Msg: fmt.Sprintf("the line on standard input is longer than %d KiB: pipe only %s, one line", wizard.MaxSecretLen>>10, s.what)})
			return out, ps // the rest of stdin is not read
		case err != nil && !errors.Is(err, io.EOF):
			ps = append(ps, wizard.Problem{Field: s.flag, Msg: "cannot read standard input; pipe " + s.what + " in, one line"})
		case strings.TrimSpace(line) == "":
			ps = append(ps, wizard.Problem{Field: s.flag, Msg: "no " + strings.TrimPrefix(s.what, "the ") + " on standard input; pipe it in, one secret per line (" + stdinOrder(srcs) + ")"})
		default:
			out[s.slot] = strings.TrimSpace(line)
		}
	}
	return out, ps
}

// secretProblem applies the wizard's rules for a typed secret to a secret
// from stdin or the environment.
func secretProblem(s secretSource, v string) *wizard.Problem {
	what := strings.TrimPrefix(s.what, "the ")
	check := wizard.ValidateSecretValue
	if s.slot == wizard.SlotSSHKey {
		check = wizard.ValidatePassphrase
	}
	if err := check(what, v); err != nil {
		field := s.flag
		if !s.stdin && s.env != "" {
			field = wizard.Field(s.env)
		}
		return &wizard.Problem{Field: field, Msg: err.Error()}
	}
	return nil
}

// stdinOrder says which line of stdin holds what.
func stdinOrder(srcs []secretSource) string {
	var parts []string
	for _, s := range srcs {
		if s.stdin {
			parts = append(parts, flagName(s.flag))
		}
	}
	return "lines in this order: " + strings.Join(parts, ", ")
}

// gatherSecrets reads every secret of srcs: stdin lines first, then the
// environment. Secret variables are unset once read, so no child process
// inherits them. A required secret found nowhere is a problem.
func gatherSecrets(f *Factory, srcs []secretSource) (map[wizard.SecretSlot]string, wizard.Problems) {
	vals, ps := stdinLines(f.IO.In, srcs)
	for _, s := range srcs {
		if s.stdin {
			continue
		}
		if v := strings.TrimSpace(f.getenv(s.env)); v != "" {
			vals[s.slot] = v
		} else if s.required {
			ps = append(ps, wizard.Problem{Field: s.flag, Msg: s.what + " is needed; pipe it with " + flagName(s.flag) + " or set " + s.env})
		}
	}
	for _, s := range srcs {
		if v, ok := vals[s.slot]; ok {
			if p := secretProblem(s, v); p != nil {
				ps = append(ps, *p)
				delete(vals, s.slot)
			}
		}
	}
	for _, s := range srcs {
		if f.Unsetenv != nil && s.env != "" && f.getenv(s.env) != "" {
			_ = f.Unsetenv(s.env)
		}
	}
	return vals, ps
}

// stdinIsTerminalProblem refuses reading a secret from a terminal, where it
// would be echoed on screen as it is typed.
func stdinIsTerminalProblem(f *Factory, srcs []secretSource) wizard.Problems {
	if !f.IO.IsStdinTTY() {
		return nil
	}
	for _, s := range srcs {
		if s.stdin {
			return wizard.Problems{{Field: s.flag, Msg: "standard input is a terminal, where a secret would show as you type; pipe it in (e.g. from your secret manager) or set " + s.env}}
		}
	}
	return nil
}
