package tui

import (
	"fmt"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// newOverviewForm builds the Overview step: Name, Id (derived live from the
// Name, editable until the connector is saved), Description and Tags.
func newOverviewForm(st *state) *stepForm {
	name := about(huh.NewInput(), wizard.FieldName).
		Title("Name").
		Placeholder(placeholder("e.g. bitbucket-cloud")).
		Value(&st.c.Name).
		Validate(keep(st, &st.c.Name, wizard.ValidateName))

	var id huh.Field
	refresh := func() {}
	if st.idLocked {
		// Note titles are shown as written (descriptions would read _ and *
		// as markup), so the Id goes in the title.
		id = huh.NewNote().
			Title(fmt.Sprintf("Id: %s (locked: a saved connector keeps its Id)", st.c.ID))
	} else {
		in := huh.NewInput().
			Key(string(wizard.FieldID)).
			Title("Id").
			Value(&st.c.ID).
			Validate(lenient(st, func(s string) error {
				if s == "" {
					s = wizard.DeriveID(st.c.Name)
				}
				return wizard.ValidateID(s)
			}))
		refresh = func() {
			in.Description(idHelp(st))
			in.Placeholder(placeholder(wizard.DeriveID(st.c.Name)))
		}
		id = in
	}

	desc := about(huh.NewInput(), wizard.FieldDescription).
		Title("Description").
		Value(&st.c.Description).
		Validate(lenient(st, wizard.ValidateDescription))

	tags := about(huh.NewInput(), wizard.FieldTag).
		Title("Tags").
		Placeholder(placeholder("e.g. team:platform, prod")).
		Value(&st.tagsText).
		Validate(lenient(st, func(s string) error {
			_, ps := wizard.ParseTags([]string{s})
			return ps.Err()
		}))

	return &stepForm{
		groups:  []formGroup{page(nil, name, id, desc, tags)},
		refresh: refresh,
		notes:   map[huh.Field]func() string{id: func() string { return idHelp(st) }},
		finish: func() wizard.Problems {
			parsed, ps := wizard.ParseTags([]string{st.tagsText})
			st.c.Tags = parsed
			return ps
		},
	}
}

// idHelp says where the Id comes from as the Name is typed.
func idHelp(st *state) string {
	if st.c.ID != "" {
		return "typed by you; leave it empty to make it from the name"
	}
	if d := wizard.DeriveID(st.c.Name); d != "" {
		return "made from the name: " + d + " (type to change it; fixed once saved)"
	}
	return wizard.FieldHelp(wizard.FieldID)
}
