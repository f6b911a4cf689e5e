package harness

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
)

// Scope is where an entity lives: the account (both empty), an
// organisation (Org), or a project (Org and Project).
type Scope struct {
	Org     string `json:"org,omitempty"`
	Project string `json:"project,omitempty"`
}

// String is "account", "org O" or "project O/P".
func (s Scope) String() string {
	switch {
	case s.Project != "":
		return "project " + s.Org + "/" + s.Project
	case s.Org != "":
		return "org " + s.Org
	}
	return "account"
}

// Ref is how an entity at this scope refers to the secret id of the same
// scope: account.id, org.id or id.
func (s Scope) Ref(id string) string {
	switch {
	case s.Project != "":
		return id
	case s.Org != "":
		return "org." + id
	}
	return "account." + id
}

// query is the scope's query parameters (accountIdentifier is added by do).
func (s Scope) query() url.Values {
	q := url.Values{}
	if s.Org != "" {
		q.Set("orgIdentifier", s.Org)
	}
	if s.Project != "" {
		q.Set("projectIdentifier", s.Project)
	}
	return q
}

// Organization is one organisation of the account.
type Organization struct {
	Identifier  string `json:"identifier"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Project is one project of an organisation.
type Project struct {
	OrgIdentifier string `json:"orgIdentifier"`
	Identifier    string `json:"identifier"`
	Name          string `json:"name"`
}

// User is the person behind a personal access token.
type User struct {
	UUID  string `json:"uuid"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// pageSize is the page size the client asks for (the API default).
const pageSize = 100

// maxPages stops a server that never says it is done.
const maxPages = 10000

// page is Harness's page of items.
type page struct {
	Content    []json.RawMessage `json:"content"`
	PageIndex  int               `json:"pageIndex"`
	TotalPages int               `json:"totalPages"`
}

// pages calls r for page 0, 1, … until pageIndex+1 >= totalPages (or a page
// comes back empty), giving each item to each.
func (c *Client) pages(ctx context.Context, r request, each func(json.RawMessage) error) error {
	name := r.method + " " + r.path
	for i := 0; i < maxPages; i++ {
		q := url.Values{}
		for k, v := range r.query {
			q[k] = v
		}
		q.Set("pageIndex", strconv.Itoa(i))
		q.Set("pageSize", strconv.Itoa(pageSize))
		rr := r
		rr.query = q
		data, err := c.do(ctx, rr)
		if err != nil {
			return err
		}
		var p page
		if err := getJSON(name, data, &p); err != nil {
			return err
		}
		for _, item := range p.Content {
			if err := each(item); err != nil {
				return err
			}
		}
		if len(p.Content) == 0 || i+1 >= p.TotalPages {
			return nil
		}
	}
	return nil
}

// ListOrganizations lists every organisation of the account.
func (c *Client) ListOrganizations(ctx context.Context) ([]Organization, error) {
	var out []Organization
	r := request{method: "GET", path: "/ng/api/organizations"}
	err := c.pages(ctx, r, func(item json.RawMessage) error {
		var v struct {
			Organization Organization `json:"organization"`
		}
		if err := getJSON("GET /ng/api/organizations", item, &v); err != nil {
			return err
		}
		out = append(out, v.Organization)
		return nil
	})
	return out, err
}

// ListProjects lists every project of organisation org.
func (c *Client) ListProjects(ctx context.Context, org string) ([]Project, error) {
	var out []Project
	r := request{method: "GET", path: "/ng/api/projects", query: Scope{Org: org}.query()}
	err := c.pages(ctx, r, func(item json.RawMessage) error {
		var v struct {
			Project Project `json:"project"`
		}
		if err := getJSON("GET /ng/api/projects", item, &v); err != nil {
			return err
		}
		if v.Project.OrgIdentifier == "" {
			v.Project.OrgIdentifier = org
		}
		out = append(out, v.Project)
		return nil
	})
	return out, err
}

// CurrentUser names the user of a personal access token.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	data, err := c.do(ctx, request{method: "GET", path: "/ng/api/user/currentUser"})
	if err != nil {
		return nil, err
	}
	var u User
	if err := getJSON("GET /ng/api/user/currentUser", data, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Identity is what a login proves about a key.
type Identity struct {
	Account string // account id
	User    *User  // the user of a personal token; nil for a service account token
}

// Verify proves the key with one read call (the first organisation) and,
// for a personal token, names its user.
func (c *Client) Verify(ctx context.Context) (*Identity, error) {
	q := url.Values{}
	q.Set("pageIndex", "0")
	q.Set("pageSize", "1")
	if _, err := c.do(ctx, request{method: "GET", path: "/ng/api/organizations", query: q}); err != nil {
		return nil, err
	}
	id := &Identity{Account: c.account}
	if c.key.Personal() {
		u, err := c.CurrentUser(ctx)
		if err != nil {
			return nil, err
		}
		id.User = u
	}
	return id, nil
}
