package wizard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var expiryNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestParseTokenExpiry(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		raw     string
		kind    PasswordKind
		want    time.Time
		wantErr string
	}{
		{"api token default", "", APIToken, day(2027, 11, 22), ""},
		{"api token default with blanks", "  ", APIToken, day(2027, 11, 22), ""},
		{"api token a year ahead", "2027-11-22", APIToken, day(2027, 11, 22), ""},
		{"api token tomorrow", "2026-11-23", APIToken, day(2026, 11, 23), ""},
		{"api token over a year", "2027-11-23", APIToken, time.Time{}, "api tokens expire within one year: give a date on or before 2027-11-22"},
		{"api token two years", "2028-11-01", APIToken, time.Time{}, "within one year"},
		{"today", "2026-11-22", APIToken, time.Time{}, "2026-11-22 is not after today"},
		{"past", "2025-01-01", AccessToken, time.Time{}, "is not after today"},
		{"not a date", "next year", APIToken, time.Time{}, "not a date: write it as YYYY-MM-DD, e.g. 2027-11-22"},
		{"bad day", "2027-02-30", APIToken, time.Time{}, "not a date"},
		{"access token none", "", AccessToken, time.Time{}, ""},
		{"access token two years", "2028-11-22", AccessToken, day(2028, 11, 22), ""},
		{"dc token", "2027-01-31", HTTPAccessToken, day(2027, 1, 31), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTokenExpiry(tt.raw, tt.kind, expiryNow)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			case !got.Equal(tt.want):
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if err != nil && err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
				t.Fatalf("message does not start lowercase: %v", err)
			}
		})
	}
}

func TestParseTokenExpiryNeverEchoes(t *testing.T) {
	t.Parallel()
	secret := "ATATT3xSECRETVALUE"
	_, err := ParseTokenExpiry(secret, APIToken, expiryNow)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error = %v", err)
	}
}

func TestValidateTokenExpiry(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 5, 10, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		kind    PasswordKind
		expires time.Time
		want    string
	}{
		{"default", APIToken, DefaultTokenExpiry(created), ""},
		{"calendar day a year ahead, later zone", APIToken, time.Date(2027, 5, 11, 0, 0, 0, 0, time.UTC), ""},
		{"over a year", APIToken, created.AddDate(1, 0, 2), "within one year"},
		{"missing", APIToken, time.Time{}, "within one year"},
		{"before creation", APIToken, created.Add(-time.Hour), "not after"},
		{"access token none", AccessToken, time.Time{}, ""},
		{"access token two years", AccessToken, created.AddDate(2, 0, 0), ""},
		{"ssh passphrase none", PasswordKind("ssh-key-passphrase"), time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateTokenExpiry(tt.kind, created, tt.expires)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// FuzzParseTokenExpiry: no panic; an accepted date round-trips through
// FormatTokenExpiry, lies after today, and passes ValidateTokenExpiry for
// a token created now (in any time zone and at any hour).
func FuzzParseTokenExpiry(f *testing.F) {
	for _, s := range []string{"", "2027-11-22", "2027-11-23", "2026-11-22", "2026-11-23", "2028-02-29", "0000-01-01", "9999-12-31", "2027-1-2", " 2027-06-30 ", "x"} {
		f.Add(s, int64(0), int64(10*3600), true)
		f.Add(s, int64(-8*3600), int64(23*3600+59*60), false)
	}
	zones := map[int64]*time.Location{}
	f.Fuzz(func(t *testing.T, raw string, offset, secOfDay int64, apiToken bool) {
		offset %= 14 * 3600
		secOfDay %= 24 * 3600
		if secOfDay < 0 {
			secOfDay = -secOfDay
		}
		loc, ok := zones[offset]
		if !ok {
			loc = time.FixedZone("fuzz", int(offset))
			zones[offset] = loc
		}
		base := time.Date(2026, 11, 22, 0, 0, 0, 0, loc)
		now := base.Add(time.Duration(secOfDay) * time.Second)
		kind := AccessToken
		if apiToken {
			kind = APIToken
		}
		got, err := ParseTokenExpiry(raw, kind, now)
		if err != nil {
			limit := time.Date(now.Year()+1, now.Month(), now.Day(), 0, 0, 0, 0, loc)
			if errors.Is(err, errNotADate) && err.Error() != errNotADate.Error()+", e.g. "+FormatTokenExpiry(limit) {
				t.Fatalf("not-a-date error carries more than the template (never the input): %v", err)
			}
			return
		}
		if got.IsZero() {
			if apiToken {
				t.Fatalf("api token without expiry for %q", raw)
			}
			return
		}
		again, err := ParseTokenExpiry(FormatTokenExpiry(got), kind, now)
		if err != nil || !again.Equal(got) {
			t.Fatalf("round trip of %q: %v, %v", raw, again, err)
		}
		if !got.After(now) {
			t.Fatalf("%v is not after %v", got, now)
		}
		if err := ValidateTokenExpiry(kind, now, got); err != nil {
			t.Fatalf("parse accepted %q but validate refuses it: %v", raw, err)
		}
	})
}
