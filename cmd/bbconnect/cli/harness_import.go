package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// maxImportFile bounds a connector file: a connector is a few KiB.
const maxImportFile = 1 << 20

// NewCmdHarnessImport returns `bbconnect harness import`.
func NewCmdHarnessImport(f *Factory) *cobra.Command {
	var hf harnessFlags
	var org, project, newID string
	cmd := &cobra.Command{
		Use:   "import ID",
		Short: "Save a Bitbucket connector from Harness as a local profile, linked to it (no secrets)",
		Long: `Read Bitbucket connector ID from Harness (at the account, --org O, or --org O --project P)
and save it as a local profile linked to the Harness connector and the secrets it refers
to. No secret is read or stored: Harness never shows secret values. The profile's id is
the Harness identifier; when a saved connector already has it, give --id NEW.

Then bbconnect rotate ID migrates an App Password connector to an API token.`,
		Example: `  bbconnect harness import bb_legacy
  bbconnect harness import bb_legacy --org default --project web --id bb_legacy_web`,
		Args: exactlyOneID,
		RunE: func(cmd *cobra.Command, args []string) error {
			if project != "" && org == "" {
				return usageErrorf("--project needs --org: a project lives in an organisation")
			}
			if err := checkNewID(newID); err != nil {
				return err
			}
			ctx := cmd.Context()
			hs, err := f.resolveHarness(ctx, hf, true)
			if err != nil {
				return err
			}
			c, err := hs.client()
			if err != nil {
				return err
			}
			return f.importOne(ctx, c, harnessapi.Scope{Org: org, Project: project}, args[0], newID)
		},
	}
	hf.register(cmd.Flags())
	cmd.Flags().StringVar(&org, "org", "", "organisation of the connector (org or project scope)")
	cmd.Flags().StringVar(&project, "project", "", "project of the connector (needs --org)")
	cmd.Flags().StringVar(&newID, "id", "", "save under this id instead of the Harness identifier")
	return cmd
}

// NewCmdImport returns `bbconnect import`.
func NewCmdImport(f *Factory) *cobra.Command {
	var hf harnessFlags
	var newID string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Save Harness YAML or Terraform as a local profile (no secrets)",
		Long: `Read a Bitbucket connector from FILE ("-" for standard input): the YAML of the
connector's YAML view in the Harness UI, or one harness_platform_connector_bitbucket
Terraform block. Save it as a local profile linked to Harness (the account and URL of
your Harness login or HARNESS_ENDPOINT/HARNESS_ACCOUNT_ID, when known) and the secrets
it refers to. Nothing is read from Harness and no secret is stored.`,
		Example: `  bbconnect import bb_legacy.yaml
  pbpaste | bbconnect import - --id bb_legacy2
  bbconnect import main.tf`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s takes one file (%d given); - reads standard input", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkNewID(newID); err != nil {
				return err
			}
			return importFileRun(cmd.Context(), f, hf, args[0], newID)
		},
	}
	cmd.Flags().StringVar(&hf.URL, "harness-url", "", "Harness API base URL to link to (env HARNESS_ENDPOINT)")
	cmd.Flags().StringVar(&hf.Account, "harness-account", "", "Harness account id to link to (env HARNESS_ACCOUNT_ID)")
	cmd.Flags().StringVar(&newID, "id", "", "save under this id instead of the Harness identifier")
	return cmd
}

func checkNewID(id string) error {
	if id == "" {
		return nil
	}
	if err := wizard.ValidateID(id); err != nil {
		return usageErrorf("--id: %v", err)
	}
	return nil
}

func importFileRun(ctx context.Context, f *Factory, hf harnessFlags, file, newID string) error {
	var data []byte
	var err error
	name := file
	if file == "-" {
		name = "standard input"
		data, err = readLimited(f.IO.In)
	} else {
		data, err = readFileLimited(file)
	}
	if err != nil {
		return failuref("cannot read %s: %v", name, err)
	}
	raw, err := harnessapi.ParseConnectorFile(filepath.Base(file), data)
	if err != nil {
		return usageErrorf("%v", err)
	}
	link := profile.HarnessLink{}
	if hs, err := f.resolveHarness(ctx, hf, false); err == nil && hs.cfg.Account != "" {
		link.Account = hs.cfg.Account
		if u, err := harnessapi.ParseEndpoint(hs.cfg.Endpoint); err == nil {
			link.URL = u.String()
		}
	}
	return f.saveImported(ctx, raw, link, newID)
}

func readFileLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	defer fh.Close()
	return readLimited(fh)
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportFile+1))
	if err == nil && len(data) > maxImportFile {
		return nil, fmt.Errorf("more than %d KiB: give one connector", maxImportFile>>10)
	}
	return data, err
}

// importOne reads a connector from Harness and saves it as a profile.
func (f *Factory) importOne(ctx context.Context, c *harnessapi.Client, scope harnessapi.Scope, id, newID string) error {
	resp, err := c.GetConnectorRaw(ctx, scope, id)
	if harnessapi.IsNotFound(err) {
		return failuref("no connector %s at %s in harness account %s: check the id, --org and --project (bbconnect harness scan lists them)", id, scope, c.Account())
	}
	if err != nil {
		return harnessFailure(err)
	}
	link := profile.HarnessLink{Account: c.Account(), URL: c.Endpoint()}
	if s := resp.Status; s != nil && s.Status != "" {
		at := max(s.TestedAt, s.LastTestedAt)
		link.LastTest = &TestResult{At: time.UnixMilli(at).UTC(), OK: s.Status == "SUCCESS", Summary: cmp.Or(s.ErrorSummary, strings.ToLower(s.Status))}
	}
	return f.saveImported(ctx, resp.Connector, link, newID)
}

// saveImported saves a Harness connector object as a new profile.
func (f *Factory) saveImported(ctx context.Context, raw harnessapi.RawConnector, link profile.HarnessLink, newID string) error {
	im, err := harnessapi.ToConnector(raw)
	if err != nil {
		return failuref("%v", err)
	}
	conn := im.Connector
	if newID != "" && newID != conn.ID {
		link.Identifier, conn.ID = conn.ID, newID
	}
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	now, err := f.Now()
	if err != nil {
		return err
	}
	link.SecretIDs, link.Imported = im.SecretRefs, now.UTC()
	unlock, err := st.Lock(ctx, conn.ID)
	if err != nil {
		return failuref("nothing was saved: %v", err)
	}
	defer unlock()
	_, err = st.Create(Profile{Connector: conn, Harness: &link, Created: now, Updated: now})
	switch {
	case errors.Is(err, profile.ErrExists):
		return failuref("connector %s is already saved: import it under another id with --id NEW", conn.ID)
	case err != nil:
		return failuref("cannot save connector %s: %v", conn.ID, err)
	}
	where := "account"
	if s := harnessapi.ScopeOf(conn); s != (harnessapi.Scope{}) {
		where = s.String()
	}
	fmt.Fprintf(f.IO.Out, "✓ imported %s (%s) as saved connector %s, linked to harness; no secret stored (secrets in harness: %s)\n",
		raw.Identifier(), where, conn.ID, strings.Join(im.SecretRefs, ", "))
	for _, n := range im.Notes {
		fmt.Fprintf(f.IO.ErrOut, "! %s\n", n)
	}
	if conn.APIAccess == wizard.APIUsernameAppPassword || conn.PasswordKind == wizard.AppPassword {
		fmt.Fprintf(f.IO.Out, "  it uses an app password: migrate it with bbconnect rotate %s\n", conn.ID)
	}
	return nil
}
