package wizard

import (
	"fmt"
	"strings"
)

// Edition is the kind of Bitbucket server: Cloud (bitbucket.org) or Data Center.
type Edition string

// The editions.
const (
	Cloud      Edition = "cloud"
	DataCenter Edition = "datacenter"
)

// URLType says whether the connector points at a whole account
// (workspace or Data Center server) or at one repository.
type URLType string

// The URL types.
const (
	Account    URLType = "account"
	Repository URLType = "repository"
)

// Connection is the protocol used for git: HTTP(S) or SSH.
type Connection string

// The connection types.
const (
	HTTP Connection = "http"
	SSH  Connection = "ssh"
)

// PasswordKind is what the HTTP password field holds.
type PasswordKind string

// The password kinds. Cloud takes API tokens, access tokens and (no
// longer working) App Passwords; Data Center takes HTTP access tokens.
const (
	APIToken        PasswordKind = "api-token"
	AccessToken     PasswordKind = "access-token"
	AppPassword     PasswordKind = "app-password"
	HTTPAccessToken PasswordKind = "http-access-token"
)

// APIAccessKind is the authentication method of the optional API access.
type APIAccessKind string

// The API access methods.
const (
	APINone                APIAccessKind = "none"
	APIEmailAPIToken       APIAccessKind = "email-api-token"
	APIAccessToken         APIAccessKind = "access-token"
	APIUsernameAppPassword APIAccessKind = "username-app-password"
)

// Connectivity says who connects to Bitbucket: the Harness Platform or a Delegate.
type Connectivity string

// The connectivity modes.
const (
	ViaPlatform Connectivity = "platform"
	ViaDelegate Connectivity = "delegate"
)

// Scope is the Harness scope the connector is created in.
type Scope string

// The Harness scopes.
const (
	ScopeAccount Scope = "account"
	ScopeOrg     Scope = "org"
	ScopeProject Scope = "project"
)

// Editions, URLTypes, Connections, PasswordKinds, APIAccessKinds,
// Connectivities and Scopes list the values of each enum in display order.
var (
	Editions       = []Edition{Cloud, DataCenter}
	URLTypes       = []URLType{Account, Repository}
	Connections    = []Connection{HTTP, SSH}
	PasswordKinds  = []PasswordKind{APIToken, AccessToken, AppPassword, HTTPAccessToken}
	APIAccessKinds = []APIAccessKind{APINone, APIEmailAPIToken, APIAccessToken, APIUsernameAppPassword}
	Connectivities = []Connectivity{ViaPlatform, ViaDelegate}
	Scopes         = []Scope{ScopeAccount, ScopeOrg, ScopeProject}
)

// Label is the human name of the edition.
func (e Edition) Label() string {
	switch e {
	case Cloud:
		return "Bitbucket Cloud"
	case DataCenter:
		return "Bitbucket Data Center"
	}
	return string(e)
}

// Label is the human name of the URL type.
func (u URLType) Label() string {
	switch u {
	case Account:
		return "Account"
	case Repository:
		return "Repository"
	}
	return string(u)
}

// Label is the human name of the connection type.
func (c Connection) Label() string {
	switch c {
	case HTTP:
		return "HTTP"
	case SSH:
		return "SSH"
	}
	return string(c)
}

// Label is the human name of the password kind, as the Harness settings page words it.
func (k PasswordKind) Label() string {
	switch k {
	case APIToken:
		return "API token"
	case AccessToken:
		return "Access token"
	case AppPassword:
		return "App Password"
	case HTTPAccessToken:
		return "HTTP access token"
	}
	return string(k)
}

// Label is the human name of the API access method.
func (k APIAccessKind) Label() string {
	switch k {
	case APINone:
		return "Off"
	case APIEmailAPIToken:
		return "Email and API Token"
	case APIAccessToken:
		return "Access Token"
	case APIUsernameAppPassword:
		return "Username and App Password"
	}
	return string(k)
}

// Label is the human name of the connectivity mode.
func (c Connectivity) Label() string {
	switch c {
	case ViaPlatform:
		return "Connect through Harness Platform"
	case ViaDelegate:
		return "Connect through a Harness Delegate"
	}
	return string(c)
}

// ParseEdition reads an edition. Like the other Parse functions it takes a
// flag or file value (case-insensitive, a few aliases) and returns a short,
// actionable error that lists the accepted values.
func ParseEdition(s string) (Edition, error) {
	switch norm(s) {
	case "cloud", "bitbucket-cloud", "bitbucket.org":
		return Cloud, nil
	case "datacenter", "data-center", "dc", "server", "onprem", "on-prem":
		return DataCenter, nil
	}
	return "", oneOf(s, Editions)
}

// ParseURLType reads a URL type ("account" or "repository"; "repo" is accepted).
func ParseURLType(s string) (URLType, error) {
	switch norm(s) {
	case "account":
		return Account, nil
	case "repository", "repo":
		return Repository, nil
	}
	return "", oneOf(s, URLTypes)
}

// ParseConnection reads a connection type ("http" or "ssh"; "https" is accepted).
func ParseConnection(s string) (Connection, error) {
	switch norm(s) {
	case "http", "https":
		return HTTP, nil
	case "ssh":
		return SSH, nil
	}
	return "", oneOf(s, Connections)
}

// ParsePasswordKind reads a password kind.
func ParsePasswordKind(s string) (PasswordKind, error) {
	for _, k := range PasswordKinds {
		if norm(s) == string(k) {
			return k, nil
		}
	}
	return "", oneOf(s, PasswordKinds)
}

// ParseAPIAccessKind reads an API access method ("off" is accepted for none).
func ParseAPIAccessKind(s string) (APIAccessKind, error) {
	if n := norm(s); n == "off" || n == "" {
		return APINone, nil
	}
	for _, k := range APIAccessKinds {
		if norm(s) == string(k) {
			return k, nil
		}
	}
	return "", oneOf(s, APIAccessKinds)
}

// ParseConnectivity reads a connectivity mode.
func ParseConnectivity(s string) (Connectivity, error) {
	for _, k := range Connectivities {
		if norm(s) == string(k) {
			return k, nil
		}
	}
	return "", oneOf(s, Connectivities)
}

// ParseScope reads a Harness scope.
func ParseScope(s string) (Scope, error) {
	for _, k := range Scopes {
		if norm(s) == string(k) {
			return k, nil
		}
	}
	return "", oneOf(s, Scopes)
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func oneOf[T ~string](got string, vals []T) error {
	names := make([]string, len(vals))
	for i, v := range vals {
		names[i] = string(v)
	}
	if strings.TrimSpace(got) == "" {
		return fmt.Errorf("choose one of %s", strings.Join(names, ", "))
	}
	return fmt.Errorf("%q is not one of %s", got, strings.Join(names, ", "))
}
