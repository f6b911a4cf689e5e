package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// settingFlags are the connector's settings as flags. Their names are a
// contract: scripts rely on them, and wizard.Problem.Field names them.
type settingFlags struct {
	Name, ID, Description string
	Tags                  []string

	Edition, URLType, Connection, URL, TestRepo string

	Username, PasswordKind, SSHKey string

	APIAccess, APIEmail, APIUsername string
	APITokenSameAsPassword           bool

	Connectivity      string
	DelegateSelectors []string
	CAFile            string

	Scope, Org, Project string
}

// enumFlag describes one flag that takes a fixed set of values.
type enumFlag struct {
	name   wizard.Field
	values []string
}

var enumFlags = []enumFlag{
	{wizard.FieldEdition, names(wizard.Editions)},
	{wizard.FieldURLType, names(wizard.URLTypes)},
	{wizard.FieldConnection, names(wizard.Connections)},
	{wizard.FieldPasswordKind, names(wizard.PasswordKinds)},
	{wizard.FieldAPIAccess, names(wizard.APIAccessKinds)},
	{wizard.FieldConnectivity, names(wizard.Connectivities)},
	{wizard.FieldScope, names(wizard.Scopes)},
	{fieldFormat, names(export.Formats)},
}

func names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// register adds the setting flags to fs.
func (s *settingFlags) register(fs *pflag.FlagSet) {
	str := func(p *string, f wizard.Field, usage string) { fs.StringVar(p, string(f), "", usage) }
	list := func(p *[]string, f wizard.Field, usage string) { fs.StringArrayVar(p, string(f), nil, usage) }
	str(&s.Name, wizard.FieldName, "connector name, as shown in Harness")
	str(&s.ID, wizard.FieldID, "connector identifier (default: made from --name the way Harness does)")
	str(&s.Description, wizard.FieldDescription, "connector description")
	list(&s.Tags, wizard.FieldTag, "tag as `key:value` or key (repeatable, or comma-separated)")

	str(&s.Edition, wizard.FieldEdition, "Bitbucket edition: cloud or datacenter (default cloud)")
	str(&s.URLType, wizard.FieldURLType, "URL type: account or repository (default account)")
	str(&s.Connection, wizard.FieldConnection, "connection type: http or ssh (default http)")
	str(&s.URL, wizard.FieldURL, "account or repository URL")
	str(&s.TestRepo, wizard.FieldTestRepo, "test repository for account URLs: REPO-NAME.git (cloud) or PROJECT-ID/REPO-NAME.git (data center)")

	str(&s.Username, wizard.FieldUsername, "Bitbucket username for HTTP (not your email)")
	str(&s.PasswordKind, wizard.FieldPasswordKind, "what the HTTP password is: api-token, access-token, app-password (cloud) or http-access-token (data center)")
	str(&s.SSHKey, wizard.FieldSSHKey, "path of the PEM RSA private key for SSH")

	str(&s.APIAccess, wizard.FieldAPIAccess, "API access: none, email-api-token, access-token or username-app-password (default none)")
	str(&s.APIEmail, wizard.FieldAPIEmail, "Atlassian account email for email-api-token")
	str(&s.APIUsername, wizard.FieldAPIUsername, "Bitbucket username for username-app-password")
	fs.BoolVar(&s.APITokenSameAsPassword, string(wizard.FieldAPITokenSameAsPassword), false, "use the HTTP password as the API token")

	str(&s.Connectivity, wizard.FieldConnectivity, "who connects: platform or delegate (default platform)")
	list(&s.DelegateSelectors, wizard.FieldDelegateSelector, "only delegates with this tag (repeatable)")
	str(&s.CAFile, wizard.FieldCAFile, "PEM CA bundle for a self-signed Data Center server")

	str(&s.Scope, wizard.FieldScope, "Harness scope: account, org or project (default account)")
	str(&s.Org, wizard.FieldOrg, "Harness organization identifier (org and project scope)")
	str(&s.Project, wizard.FieldProject, "Harness project identifier (project scope)")
}

// settingNames lists the flags register adds, to tell whether any was given.
var settingNames = []wizard.Field{
	wizard.FieldName, wizard.FieldID, wizard.FieldDescription, wizard.FieldTag,
	wizard.FieldEdition, wizard.FieldURLType, wizard.FieldConnection, wizard.FieldURL, wizard.FieldTestRepo,
	wizard.FieldUsername, wizard.FieldPasswordKind, wizard.FieldSSHKey,
	wizard.FieldAPIAccess, wizard.FieldAPIEmail, wizard.FieldAPIUsername, wizard.FieldAPITokenSameAsPassword,
	wizard.FieldConnectivity, wizard.FieldDelegateSelector, wizard.FieldCAFile, wizard.FieldScope, wizard.FieldOrg, wizard.FieldProject,
}

// registerCompletions offers the values of every enum flag cmd has.
func registerCompletions(cmd *cobra.Command) {
	for _, e := range enumFlags {
		if cmd.Flags().Lookup(string(e.name)) == nil {
			continue
		}
		vals := e.values
		_ = cmd.RegisterFlagCompletionFunc(string(e.name), func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return vals, cobra.ShellCompDirectiveNoFileComp
		})
	}
}

// connector builds the connector the flags describe, from the defaults of
// a new setup. Enum values that do not parse are reported, each naming its
// flag, and the field keeps its default.
func (s *settingFlags) connector() (wizard.Connector, wizard.Problems) {
	c := wizard.NewConnector()
	var ps wizard.Problems
	parse := func(field wizard.Field, raw string, apply func(string) error) {
		if raw == "" {
			return
		}
		if err := apply(raw); err != nil {
			ps = append(ps, wizard.Problem{Field: field, Msg: err.Error()})
		}
	}
	parse(wizard.FieldEdition, s.Edition, func(v string) (err error) { c.Edition, err = parseKeep(wizard.ParseEdition, v, c.Edition); return })
	parse(wizard.FieldURLType, s.URLType, func(v string) (err error) { c.URLType, err = parseKeep(wizard.ParseURLType, v, c.URLType); return })
	parse(wizard.FieldConnection, s.Connection, func(v string) (err error) {
		c.Connection, err = parseKeep(wizard.ParseConnection, v, c.Connection)
		return
	})
	if c.Edition == wizard.DataCenter {
		c.PasswordKind = wizard.HTTPAccessToken
	}
	parse(wizard.FieldPasswordKind, s.PasswordKind, func(v string) (err error) {
		c.PasswordKind, err = parseKeep(wizard.ParsePasswordKind, v, c.PasswordKind)
		return
	})
	parse(wizard.FieldAPIAccess, s.APIAccess, func(v string) (err error) {
		c.APIAccess, err = parseKeep(wizard.ParseAPIAccessKind, v, c.APIAccess)
		return
	})
	parse(wizard.FieldConnectivity, s.Connectivity, func(v string) (err error) {
		c.Connectivity, err = parseKeep(wizard.ParseConnectivity, v, c.Connectivity)
		return
	})
	parse(wizard.FieldScope, s.Scope, func(v string) (err error) { c.Scope, err = parseKeep(wizard.ParseScope, v, c.Scope); return })

	tags, tagProblems := wizard.ParseTags(s.Tags)
	ps = append(ps, tagProblems...)

	c.Name, c.ID, c.Description, c.Tags = strings.TrimSpace(s.Name), strings.TrimSpace(s.ID), s.Description, tags
	c.URL, c.TestRepo = strings.TrimSpace(s.URL), strings.TrimSpace(s.TestRepo)
	c.Username, c.SSHKeyPath = strings.TrimSpace(s.Username), strings.TrimSpace(s.SSHKey)
	c.APIEmail, c.APIUsername = strings.TrimSpace(s.APIEmail), strings.TrimSpace(s.APIUsername)
	c.APITokenSameAsPassword = s.APITokenSameAsPassword
	c.DelegateSelectors = splitList(s.DelegateSelectors)
	c.CAFile = strings.TrimSpace(s.CAFile)
	c.Org, c.Project = strings.TrimSpace(s.Org), strings.TrimSpace(s.Project)
	return c.WithDefaults(), ps
}

// parseKeep parses raw, keeping old when it does not parse.
func parseKeep[T any](parse func(string) (T, error), raw string, old T) (T, error) {
	v, err := parse(raw)
	if err != nil {
		return old, err
	}
	return v, nil
}

// splitList splits comma-separated items and drops empty ones. An item that
// is only blanks is kept as "" so that validation can name it.
func splitList(items []string) []string {
	var out []string
	for _, item := range items {
		for _, p := range strings.Split(item, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

// mergeProblems appends the validation problems of fields that did not
// already fail to parse, so a bad --edition is reported once, not again
// as every rule that depends on it.
func mergeProblems(parse, validation wizard.Problems) wizard.Problems {
	failed := map[wizard.Field]bool{}
	for _, p := range parse {
		failed[p.Field] = true
	}
	out := append(wizard.Problems{}, parse...)
	for _, p := range validation {
		if !failed[p.Field] {
			out = append(out, p)
		}
	}
	return out
}

// normalized returns c with its URL and test repository as they will be
// saved and exported (scheme, trailing slash, .git), when they are valid.
func normalized(c wizard.Connector) wizard.Connector {
	if u, ps := wizard.NormalizeURL(c.Edition, c.URLType, c.Connection, c.URL); len(ps) == 0 {
		c.URL = u
	}
	if c.URLType == wizard.Account {
		if tr, ps := wizard.NormalizeTestRepo(c.Edition, c.TestRepo); len(ps) == 0 {
			c.TestRepo = tr
		}
	}
	return c
}
