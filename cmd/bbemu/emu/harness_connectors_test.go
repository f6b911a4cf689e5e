package emu

import (
	"slices"
	"strconv"
	"testing"
)

// bbConnector is the reference's example A (Cloud, Http, Account, API
// token with Email and API Token access) at org/project.
func bbConnector(id, org, project, passwordRef string) map[string]any {
	c := map[string]any{
		"name": "bb " + id, "identifier": id, "description": "", "tags": map[string]string{"source": "bbconnect"},
		"type": "Bitbucket",
		"spec": map[string]any{
			"url": "https://bitbucket.org/" + srv.Demo.Workspace, "validationRepo": srv.Demo.Repo + ".git", "type": "Account",
			"authentication": map[string]any{"type": "Http", "spec": map[string]any{
				"type": "UsernamePassword", "spec": map[string]any{"username": srv.Demo.Username, "passwordRef": passwordRef},
			}},
			"apiAccess":         map[string]any{"type": "EmailAndApiToken", "spec": map[string]any{"email": srv.Demo.Email, "tokenRef": passwordRef}},
			"executeOnDelegate": false, "delegateSelectors": []string{},
		},
	}
	if org != "" {
		c["orgIdentifier"] = org
	}
	if project != "" {
		c["projectIdentifier"] = project
	}
	return map[string]any{"connector": c}
}

func delConnector(t *testing.T, id, scope string) {
	t.Helper()
	t.Cleanup(func() { hcall(t, srv, "demo", "DELETE", "/ng/api/connectors/"+id+scope, nil) })
}

func spec(body map[string]any) map[string]any {
	return body["connector"].(map[string]any)["spec"].(map[string]any)
}

func TestHarnessConnectorCRUD(t *testing.T) {
	delConnector(t, "bb_new", infra)
	create := func(body map[string]any) hres { return hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, body) }
	wantError(t, create(bbConnector("bb_new", "payments", "infra", "bb_missing")), 400, "INVALID_REQUEST",
		"Error while validating passwordRef field : No such secret found 'bb_missing'")
	// org. from the account scope is not a reference an account connector may make.
	wantError(t, create(bbConnector("bb_acc_org_ref", "", "", "org.bb_dc_token")), 400, "INVALID_REQUEST", "passwordRef")
	// bb_api_token at project scope payments/infra does not exist; account. does.
	wantError(t, create(bbConnector("bb_new", "payments", "infra", "bb_api_token")), 400, "INVALID_REQUEST", "'bb_api_token'")
	bad := bbConnector("bb_new", "payments", "infra", "account.bb_api_token")
	bad["connector"].(map[string]any)["name"] = ""
	wantFailure(t, create(bad), "name")
	bad = bbConnector("bb-new", "payments", "infra", "account.bb_api_token")
	wantFailure(t, create(bad), "identifier")
	wantError(t, create(bbConnector("bb_new", "payments", "nope", "account.bb_api_token")), 400, "RESOURCE_NOT_FOUND_EXCEPTION", "nope")

	r := create(bbConnector("bb_new", "payments", "infra", "account.bb_api_token"))
	wantOK(t, r)
	if r.data()["status"].(map[string]any)["status"] != "UNKNOWN" || r.data()["createdAt"] == nil {
		t.Errorf("create answer: %s", r.raw)
	}
	wantError(t, create(bbConnector("bb_new", "payments", "infra", "account.bb_api_token")), 400, "INVALID_REQUEST",
		"Connector: bb bb_new has been given an identifier: bb_new that already exists. Please enter a unique ID.")
	if r := hcall(t, srv, "demo", "GET", "/ng/api/connectors/validateUniqueIdentifier"+infra+"&identifier=bb_new", nil); r.body["data"] != false {
		t.Errorf("validateUniqueIdentifier: %s", r.raw)
	}

	got := hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_new"+infra, nil)
	wantOK(t, got)
	if spec(got.data())["apiAccess"].(map[string]any)["type"] != "EmailAndApiToken" || spec(got.data())["executeOnDelegate"] != false {
		t.Errorf("get: %s", got.raw)
	}

	// A PUT replaces everything: without executeOnDelegate (as the Go SDK
	// sends it) the entity default true comes back.
	upd := bbConnector("bb_new", "payments", "infra", "account.bb_api_token")
	delete(spec(upd), "executeOnDelegate")
	spec(upd)["apiAccess"] = map[string]any{"type": "AccessToken", "spec": map[string]any{"tokenRef": "account.bb_api_token"}}
	r = hcall(t, srv, "demo", "PUT", "/ng/api/connectors"+acc, upd)
	wantOK(t, r)
	if spec(r.data())["executeOnDelegate"] != true || spec(r.data())["apiAccess"].(map[string]any)["type"] != "AccessToken" {
		t.Errorf("update: %s", r.raw)
	}
	wantError(t, hcall(t, srv, "demo", "PUT", "/ng/api/connectors"+acc, bbConnector("bb_absent", "payments", "infra", "account.bb_api_token")),
		400, "INVALID_REQUEST", "No connector exists with the  Identifier bb_absent")

	wantError(t, hcall(t, srv, "demo", "DELETE", "/ng/api/connectors/bb_new"+infra+"&forceDelete=true", nil), 400, "INVALID_REQUEST", "Force Delete is not enabled")
	wantError(t, hcall(t, srv, "demo", "DELETE", "/ng/api/v2/secrets/bb_api_token"+acc, nil), 400, "ENTITY_REFERENCE_EXCEPTION", "connector bb_new")
	if r := hcall(t, srv, "demo", "DELETE", "/ng/api/connectors/bb_new"+infra, nil); r.body["data"] != true {
		t.Errorf("delete: %s", r.raw)
	}
	wantError(t, hcall(t, srv, "demo", "DELETE", "/ng/api/connectors/bb_new"+infra, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION",
		"No connector exists with the identifier bb_new in account acme, organisation payments, project infra")
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_new"+infra, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION",
		"Connector with identifier [bb_new] in project [infra], org [payments] not found")
	wantError(t, hcall(t, srv, "demo", "POST", "/ng/api/connectors/testConnection/bb_new"+infra, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION",
		"No connector found with identifier bb_new")
}

// listIDs lists the connectors at a scope, page by page with size 2.
func listIDs(t *testing.T, scope string, body map[string]any) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		r := hcall(t, srv, "demo", "POST", "/ng/api/connectors/listV2"+scope+"&pageSize=2&pageIndex="+strconv.Itoa(page), body)
		wantOK(t, r)
		for _, c := range r.content() {
			ids = append(ids, c["connector"].(map[string]any)["identifier"].(string))
		}
		if float64(page+1) >= r.data()["totalPages"].(float64) {
			return ids
		}
	}
}

func TestHarnessListPerScope(t *testing.T) {
	bitbucket := map[string]any{"filterType": "Connector", "types": []string{"Bitbucket"}}
	want := map[string][]string{
		acc:                             {"bb_cloud_legacy", "bb_cloud_workspace"},
		acc + "&orgIdentifier=default":  {"bb_datacenter"},
		acc + "&orgIdentifier=platform": {"bb_platform_http"},
		acc + "&orgIdentifier=payments": {"bb_payments_legacy"},
		acc + "&orgIdentifier=default&projectIdentifier=web":     {"bb_web_app_password", "bb_web_ssh"},
		acc + "&orgIdentifier=default&projectIdentifier=api":     {"bb_api_http_only"},
		acc + "&orgIdentifier=platform&projectIdentifier=web":    {"bb_platform_access_token"},
		acc + "&orgIdentifier=payments&projectIdentifier=mobile": {"bb_mobile_wrong_token"},
		acc + "&orgIdentifier=platform&projectIdentifier=data":   nil,
	}
	total := 0
	for scope, ids := range want {
		got := listIDs(t, scope, bitbucket)
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("%s: %v, want %v", scope, got, ids)
		}
		total += len(got)
	}
	if total != 10 {
		t.Errorf("%d seeded connectors, want 10", total)
	}
	all := listIDs(t, acc+"&orgIdentifier=default&projectIdentifier=web&includeAllConnectorsAvailableAtScope=true", bitbucket)
	if len(all) != 5 {
		t.Errorf("with parent scopes: %v", all)
	}
	if got := listIDs(t, acc, map[string]any{"filterType": "Connector", "types": []string{"Github"}}); len(got) != 0 {
		t.Errorf("Github filter: %v", got)
	}
	wantFailure(t, hcall(t, srv, "demo", "POST", "/ng/api/connectors/listV2"+acc, map[string]any{"types": []string{"Bitbucket"}}), "filterType")

	r := hcall(t, srv, "demo", "POST", "/ng/api/connectors/listV2"+acc+"&orgIdentifier=payments", bitbucket)
	c := r.content()[0]
	api := spec(c)["apiAccess"].(map[string]any)
	auth := spec(c)["authentication"].(map[string]any)["spec"].(map[string]any)
	if api["type"] != "UsernameToken" || auth["type"] != "UsernamePassword" || c["status"] == nil {
		t.Errorf("App Password connector shape: %s", r.raw)
	}
}
