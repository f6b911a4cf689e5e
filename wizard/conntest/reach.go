package conntest

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// checkReachGit: DNS, TCP and (HTTPS) TLS, or (SSH) the server banner, of
// the git host.
func (e *env) checkReachGit(ctx context.Context) finding {
	g, err := e.hostGitURL()
	if err != nil {
		return failf(fixURL, "%s", err.Error())
	}
	if e.c.Connection == wizard.SSH {
		t, err := e.sshTargetOf(g)
		if err != nil {
			return failf(fixURL, "%s", err.Error())
		}
		return e.reach(ctx, t.addr, "", true)
	}
	u, err := e.httpTarget(g)
	if err != nil {
		return failf(fixURL, "%s", err.Error())
	}
	if u.Scheme == "https" {
		if e.caErr != nil {
			return *e.caErr
		}
		return e.reach(ctx, hostPort(u), u.Hostname(), false)
	}
	return e.reach(ctx, hostPort(u), "", false)
}

// checkReachAPI: DNS, TCP and TLS of the REST API host, when a check uses it.
func (e *env) checkReachAPI(ctx context.Context) finding {
	if _, reason := e.restCred(); reason != "" {
		return skip("no check uses the api: " + reason)
	}
	base, err := e.apiBase()
	if err != nil {
		return failf("fix the url (or "+EnvCloudAPIURL+")", "%s", err.Error())
	}
	u, _ := parseBase(base, "api url")
	if u.Scheme == "https" {
		if e.caErr != nil {
			return *e.caErr
		}
		return e.reach(ctx, hostPort(u), u.Hostname(), false)
	}
	return e.reach(ctx, hostPort(u), "", false)
}

// reach resolves, connects and then shakes hands: TLS when serverName is
// set, or reads the SSH banner.
func (e *env) reach(ctx context.Context, addr, serverName string, sshBanner bool) finding {
	start := time.Now()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return failf(fixURL, "%q is not host:port", wizard.OneLine(addr, 80))
	}
	ips, err := e.lookup(ctx, host)
	if err != nil {
		return netFinding(err, addr, time.Since(start))
	}
	if len(ips) == 0 {
		return netFinding(&net.DNSError{Err: "no such host", Name: host, IsNotFound: true}, addr, time.Since(start))
	}
	var conn net.Conn
	for _, ip := range ips {
		conn, err = e.dialIP(ctx, "tcp", net.JoinHostPort(ip, port))
		if err == nil || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return netFinding(err, addr, time.Since(start))
	}
	defer conn.Close()
	tcp := e.since(start)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	where := addr
	if net.ParseIP(host) == nil && !e.mappedHost(host) {
		where = fmt.Sprintf("%s (%s)", addr, conn.RemoteAddr())
	}
	switch {
	case serverName != "":
		cfg := e.tls.Clone()
		cfg.ServerName = serverName
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return netFinding(ctxErr(ctx, err), addr, time.Since(start))
		}
		st := tc.ConnectionState()
		leaf := st.PeerCertificates[0]
		left := leaf.NotAfter.Sub(e.certNow())
		if left < 14*24*time.Hour {
			return warnf("have the server's certificate renewed soon",
				"reached %s; the certificate of %s expires on %s", where, serverName, leaf.NotAfter.Format("2006-01-02"))
		}
		return passf("reached %s in %s; %s, certificate for %s valid until %s", where, round(tcp),
			tlsVersion(st.Version), serverName, leaf.NotAfter.Format("2006-01-02"))
	case sshBanner:
		banner, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return netFinding(ctxErr(ctx, err), addr, time.Since(start))
		}
		banner = strings.TrimSpace(banner)
		if !strings.HasPrefix(banner, "SSH-") {
			return failf("check the port: ssh on bitbucket data center is usually 7999, on bitbucket.org 22",
				"%s is not an ssh server (it said %q)", addr, wizard.OneLine(banner, 40))
		}
		return passf("reached %s in %s; ssh server %s", where, round(tcp), wizard.OneLine(banner, 60))
	}
	return warnf("use an https url", "reached %s in %s over plain http: the token travels unencrypted", where, round(tcp))
}

// ctxErr prefers the context's error, so a deadline reads as a timeout.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}

func tlsVersion(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "tls 1.3"
	case tls.VersionTLS12:
		return "tls 1.2"
	}
	return "tls"
}
