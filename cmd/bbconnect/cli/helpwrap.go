package cli

import (
	"os"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Help texts are written as paragraphs; they are wrapped to the terminal
// when shown (cobra prints Long as it is, and pflag wraps flag usages only
// when asked to).

// defaultHelpWidth is the width of help that does not go to a terminal.
const defaultHelpWidth = 80

// helpWidth is the width of the terminal help goes to.
func helpWidth(cmd *cobra.Command) int {
	if f, ok := cmd.OutOrStdout().(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 { // #nosec G115 -- a file descriptor fits an int.
			return w
		}
	}
	return defaultHelpWidth
}

// wrapHelp makes cmd's help wrap to the terminal: Long's paragraphs are
// reflowed, and the flag lists wrapped.
func wrapHelp(root *cobra.Command) {
	show := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		long := cmd.Long
		cmd.Long = reflow(long, helpWidth(cmd))
		defer func() { cmd.Long = long }()
		show(cmd, args)
	})
	cobra.AddTemplateFunc("bbconnectFlags", func(cmd *cobra.Command, fs *pflag.FlagSet) string {
		return strings.TrimRight(fs.FlagUsagesWrapped(helpWidth(cmd)), " \n")
	})
	tmpl := root.UsageTemplate()
	tmpl = strings.Replace(tmpl, "{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}", "{{bbconnectFlags $ .LocalFlags}}", 1)
	tmpl = strings.Replace(tmpl, "{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}", "{{bbconnectFlags $ .InheritedFlags}}", 1)
	root.SetUsageTemplate(tmpl)
}

// reflow joins the lines of each paragraph of text and wraps them at
// width. Indented lines (examples, commands) and list items ("- ", "* ")
// start a line of their own; indented lines are never wrapped, so a
// command stays one line to copy.
func reflow(text string, width int) string {
	var out []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrapWords(strings.Join(para, " "), width)...)
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
			out = append(out, "")
		case line != strings.TrimLeft(line, " \t"):
			flush()
			out = append(out, hang(line, width)...)
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "):
			flush()
			para = append(para, trimmed)
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// twoColumns is an indented "term  description" line. Compiled when help
// is first shown, not at every start (issue 12: no init-time work).
var twoColumns = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\s+\S+(?: \S+)*\s{2,})(\S.*)$`)
})

// hang wraps an indented two-column line that is too wide, its description
// continuing under itself; other indented lines stay as written.
func hang(line string, width int) []string {
	m := twoColumns().FindStringSubmatch(line)
	if m == nil || utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	indent := utf8.RuneCountInString(m[1])
	if width-indent < 20 {
		return []string{line}
	}
	lines := wrapWords(m[2], width-indent)
	for i := range lines {
		if i == 0 {
			lines[i] = m[1] + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", indent) + lines[i]
		}
	}
	return lines
}

// wrapWords wraps s at width, breaking only between words.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	return append(lines, line)
}
