package tui

import (
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// The domain calls the screens make, in one place: URL building and
// checking from wizard, the export from wizard/export.

func urlFormat(e wizard.Edition, t wizard.URLType, c wizard.Connection) string {
	return wizard.URLFormat(e, t, c)
}

func testRepoFormat(e wizard.Edition) string { return wizard.TestRepoFormat(e) }

func normalizeURL(e wizard.Edition, t wizard.URLType, c wizard.Connection, raw string) (string, wizard.Problems) {
	return wizard.NormalizeURL(e, t, c, raw)
}

func normalizeTestRepo(e wizard.Edition, raw string) (string, wizard.Problems) {
	return wizard.NormalizeTestRepo(e, raw)
}

func testURL(c wizard.Connector) string { return c.TestURL() }

func parseCloneURL(raw string) (wizard.ParsedURL, error) { return wizard.ParseCloneURL(raw) }

func applyParsed(p wizard.ParsedURL, c *wizard.Connector) []string { return p.Apply(c) }

func serverBase(c wizard.Connector) string { return c.ServerBase() }

func harnessYAML(c wizard.Connector) ([]byte, error) { return export.HarnessYAML(c) }

func exportSecrets(c wizard.Connector) []export.Secret { return export.Secrets(c) }
