package main

import (
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// scenario is one run of bbconnect in a fresh terminal. Scenarios run in
// order in the same home folder and keyring: a later one sees what an
// earlier saved.
type scenario struct {
	name  string
	args  []string // bbconnect's arguments ("~/" is the home folder)
	film  bool     // its frames make the animated walkthrough
	steps func(s *emu.Server) []step
}

// scenarios are every state the onboarding docs show.
var scenarios = []scenario{
	{name: "cloud-http", film: true, steps: cloudHTTP},
	{name: "import-app-password", args: []string{"import", "~/" + legacyFile}, steps: imported},
	{name: "picker-datacenter", steps: pickerAndDataCenter},
	{name: "cloud-ssh", steps: cloudSSH},
	{name: "failing-tests", steps: failingTests},
	{name: "datacenter-ssh-host-key", steps: unknownHostKey},
	{name: "rotation", steps: rotation},
}

// cloudHTTP walks a first-time Bitbucket Cloud HTTP account connector
// with API access through every step to a saved, tested connector, then
// pushes it to Harness: the key prompt (no key stored yet: the account
// comes from the key, the URL is Harness SaaS's), the calls and
// Harness's test.
func cloudHTTP(s *emu.Server) []step {
	d := s.Demo
	return []step{
		at("Name"),
		typed("Bitbucket Cloud"),
		snap("overview", "Bitbucket_Cloud"),
		press("Enter", "Enter", "Enter", "Enter"),
		at("Bitbucket edition", "Enter"),
		at("URL type", "Enter"),
		at("Connection type", "Enter"),
		at("Account URL"),
		typed("https://" + cloudHost + "/" + d.Workspace + "/"),
		snap("details", "saved as: https://"+cloudHost+"/"+d.Workspace),
		press("Enter"),
		at("Test repository"),
		typed(d.Repo),
		snap("test-repository", d.Repo+".git"),
		press("Enter"),
		at("Password kind"),
		snap("password-kind", "App Password"),
		press("Enter"),
		snap("scopes", "Scopes to give the API token"),
		press("Enter"),
		at("Username"),
		typed(d.Username),
		press("Enter"),
		at("API token"),
		pasted(d.APIToken),
		snap("credentials", "API token"),
		press("Enter"),
		at("API token expires", "Enter"), // one year from today
		at("Enable API access?", "y"),
		at("API authentication", "Enter"),
		at("Email"),
		typed(d.Email),
		press("Enter"),
		at("Use the API token you typed in Credentials?"),
		snap("api-access", "Use the API token you typed in Credentials?"),
		press("y"),
		at("Connectivity mode"),
		snap("connectivity", "Connectivity mode"),
		press("Enter"),
		at("Harness scope", "Enter"),
		snap("review", "bbconnect › Review"),
		press("Enter"),
		snap("connection-test", "press enter to save"),
		press("Enter"),
		snap("saved", "p pushes it to Harness"),
		press("p"),
		at("Harness API key"),
		snap("harness-key", "Harness URL"),
		pasted(s.Harness.APIKey),
		press("Enter"),
		snap("harness-pushed", "✓ Harness's test passed"),
		leave("Enter"),
	}
}
