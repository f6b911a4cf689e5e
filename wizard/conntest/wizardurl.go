package conntest

import (
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// accountOwnerOf is the Cloud workspace or Data Center project key the
// connector's URL (or test repository) names; "" when none.
func accountOwnerOf(c wizard.Connector) string {
	if o, _, err := c.RepoRef(); err == nil {
		return o
	}
	p, err := wizard.ParseCloneURL(c.URL)
	if err != nil || p.Owner == "" {
		return ""
	}
	if c.Edition == wizard.DataCenter && !strings.HasPrefix(p.Owner, "~") {
		return strings.ToUpper(p.Owner)
	}
	return p.Owner
}
