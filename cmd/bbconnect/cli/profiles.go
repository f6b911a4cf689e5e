package cli

import (
	"errors"

	"github.com/bbconnect/bbconnect/keychain/profile"
)

type (
	// Profile is one saved connector (package keychain/profile): its
	// settings and token metadata, never a secret.
	Profile = profile.Profile
	// TokenMeta is what is known about one stored token.
	TokenMeta = profile.TokenMeta
	// TestResult is the outcome of the last connection test of a profile.
	TestResult = profile.TestResult
)

// openProfiles is the store of the saved connectors (in its Dir).
func (f *Factory) openProfiles() (profile.Store, error) {
	dir, err := f.ProfileDir()
	if err != nil {
		return profile.Store{}, err
	}
	return f.profileStore(dir), nil
}

// openProfile is the store and the saved connector id, with an
// actionable message when it is not there.
func (f *Factory) openProfile(id string) (profile.Store, Profile, error) {
	st, err := f.openProfiles()
	if err != nil {
		return st, Profile{}, err
	}
	p, err := loadProfile(st, id)
	return st, p, err
}

// loadProfile reads one saved connector, with an actionable message when
// it is not there.
func loadProfile(st profile.Store, id string) (Profile, error) {
	p, err := st.Load(id)
	switch {
	case errors.Is(err, profile.ErrNotExist):
		return Profile{}, failuref("no saved connector %q; bbconnect list shows the saved ones", id)
	case err != nil:
		return Profile{}, failuref("cannot read connector %s: %v", id, err)
	}
	return p, nil
}
