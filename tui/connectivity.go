package tui

import (
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// newConnectivityForm builds the Connectivity step: through the Harness
// Platform or a Delegate (any, or only those with all of some tags), a CA
// bundle for Data Center, and the Harness scope the export is made for.
func newConnectivityForm(st *state) *stepForm {
	mode := about(huh.NewSelect[wizard.Connectivity](), wizard.FieldConnectivity).
		Title("Connectivity mode").
		Options(enumOptions(wizard.Connectivities, wizard.Connectivity.Label)...).
		Value(&st.c.Connectivity)
	selectors := huh.NewInput().
		Key(string(wizard.FieldDelegateSelector)).
		Title("Delegate selectors").
		Placeholder(placeholder("empty: any delegate; or tags such as k8s, eu-west")).
		Value(&st.delegatesText).
		Validate(keep(st, &st.delegatesText, func(s string) error {
			c := st.connector()
			c.Connectivity, c.DelegateSelectors = wizard.ViaDelegate, splitList(s)
			if p, ok := c.ValidateStep(wizard.StepConnectivity, st.now()).Field(wizard.FieldDelegateSelector); ok {
				return problemsErr(wizard.Problems{p})
			}
			return nil
		}))
	ca := about(huh.NewInput(), wizard.FieldCAFile).
		Title("CA bundle (optional)").
		Placeholder(placeholder("e.g. /etc/ssl/bitbucket-ca.pem")).
		Value(&st.c.CAFile)
	scope := about(huh.NewSelect[wizard.Scope](), wizard.FieldScope).
		Title("Harness scope").
		Options(
			huh.NewOption("Account", wizard.ScopeAccount),
			huh.NewOption("Organisation", wizard.ScopeOrg),
			huh.NewOption("Project", wizard.ScopeProject),
		).
		Value(&st.c.Scope)
	org := about(huh.NewInput(), wizard.FieldOrg).
		Title("Organisation identifier").
		Value(&st.c.Org).
		Validate(keep(st, &st.c.Org, func(v string) error { return scopeProblem(st, wizard.FieldOrg, v) }))
	project := about(huh.NewInput(), wizard.FieldProject).
		Title("Project identifier").
		Value(&st.c.Project).
		Validate(keep(st, &st.c.Project, func(v string) error { return scopeProblem(st, wizard.FieldProject, v) }))

	return &stepForm{
		groups: []formGroup{
			page(nil, mode),
			page(func() bool { return st.c.Connectivity != wizard.ViaDelegate }, selectors),
			page(func() bool { return st.c.Edition != wizard.DataCenter }, ca),
			page(nil, scope),
			page(func() bool { return st.c.Scope == wizard.ScopeAccount }, org),
			page(func() bool { return st.c.Scope != wizard.ScopeProject }, project),
		},
		refresh: func() { selectors.Description(delegateHelp(st)) },
		finish: func() wizard.Problems {
			st.c.DelegateSelectors = nil
			if st.c.Connectivity == wizard.ViaDelegate {
				st.c.DelegateSelectors = splitList(st.delegatesText)
			}
			if st.c.Scope == wizard.ScopeAccount {
				st.c.Org, st.c.Project = "", ""
			}
			if st.c.Scope == wizard.ScopeOrg {
				st.c.Project = ""
			}
			if st.c.Edition != wizard.DataCenter {
				st.c.CAFile = ""
			}
			return nil
		},
	}
}

// scopeProblem is wizard's problem with v typed as the org or project
// identifier (field). Accessible mode validates an answer before the
// field's value holds it, so v is put in a copy of the settings.
func scopeProblem(st *state, field wizard.Field, v string) error {
	c := st.connector()
	if field == wizard.FieldOrg {
		c.Org = v
	} else {
		c.Project = v
	}
	if p, ok := c.ValidateStep(wizard.StepConnectivity, st.now()).Field(field); ok {
		return problemsErr(wizard.Problems{p})
	}
	return nil
}

func delegateHelp(st *state) string {
	sel := splitList(st.delegatesText)
	if len(sel) == 0 {
		return wizard.FieldHelp(wizard.FieldDelegateSelector)
	}
	return "Only delegates with all of these tags: " + strings.Join(sel, ", ")
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
