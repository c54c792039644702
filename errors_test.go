package socialrx_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
)

func TestErrorCodes(t *testing.T) {
	assert.Equal(t, socialrx.Code(""), socialrx.ErrorCode(nil))
	assert.Equal(t, socialrx.CodeInternal, socialrx.ErrorCode(errors.New("boom")))
	base := errors.New("disk gone")
	e := socialrx.Errorf(socialrx.CodeUnavailable, "store: %w", base)
	wrapped := fmt.Errorf("host: %w", e)
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(wrapped))
	assert.ErrorIs(t, wrapped, base)
	assert.Equal(t, "unavailable: store: disk gone", e.Error())
}

func TestInvalidSortsAndNamesFields(t *testing.T) {
	assert.NoError(t, socialrx.Invalid())
	err := socialrx.Invalid(socialrx.Field("/b", "required"), socialrx.Field("/a/0", "unknown need code %q", "joy"))
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []socialrx.FieldError{{Path: "/a/0", Rule: `unknown need code "joy"`}, {Path: "/b", Rule: "required"}}, socialrx.ErrorFields(err))
	assert.Equal(t, `invalid: /a/0: unknown need code "joy"; /b: required`, err.Error())
	assert.Equal(t, []socialrx.FieldError{{Path: "/x/a/0", Rule: `unknown need code "joy"`}, {Path: "/x/b", Rule: "required"}}, socialrx.Prefix("/x", err))
	assert.Equal(t, []socialrx.FieldError{{Path: "/x", Rule: "internal: boom"}}, socialrx.Prefix("/x", socialrx.Errorf(socialrx.CodeInternal, "boom")))
	assert.Nil(t, socialrx.Prefix("/x", nil))
}

func TestNeeds(t *testing.T) {
	all := socialrx.Needs()
	require.NotEmpty(t, all)
	seen := map[socialrx.Need]bool{}
	for _, n := range all {
		assert.False(t, seen[n.Code], "duplicate %s", n.Code)
		seen[n.Code] = true
		assert.True(t, n.Code.Valid())
		assert.NotEmpty(t, n.Label)
		assert.Equal(t, n.Label, n.Code.Label())
		got, ok := socialrx.LookupNeed(n.Code)
		assert.True(t, ok)
		assert.Equal(t, n.Code, got.Code)
	}
	for _, want := range []socialrx.Need{"loneliness_isolation", "mental_wellbeing", "physical_activity", "debt_money", "benefits",
		"housing", "employment_training", "bereavement", "caring", "food", "digital_inclusion", "arts_culture",
		"nature_gardening", "learning_skills", "befriending", "specialist_mental_health"} {
		assert.True(t, seen[want], "missing need %s", want)
	}
	assert.Len(t, socialrx.Need("").EnumValues(), len(all))
	assert.False(t, socialrx.Need("joy").Valid())
	assert.Equal(t, "joy", socialrx.Need("joy").Label())
	all[0].Label = "changed"
	assert.NotEqual(t, "changed", socialrx.Needs()[0].Label, "Needs returns a copy")
	assert.Equal(t, []socialrx.FieldError{{Path: "/needs/1", Rule: `unknown need code "joy"`}},
		socialrx.CheckNeeds("/needs", []socialrx.Need{socialrx.NeedFood, "joy"}))
	assert.True(t, socialrx.ValidEnum(socialrx.NeedFood))
	assert.False(t, socialrx.ValidEnum(socialrx.Code("nope")))
}

func TestDate(t *testing.T) {
	d, err := socialrx.ParseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, "2024-02-29", d.String())
	assert.Equal(t, socialrx.MustParseDate("2024-03-01"), d.AddDays(1))
	assert.True(t, d.Before(d.AddDays(1)))
	assert.True(t, d.AddDays(1).After(d))
	assert.Equal(t, d, socialrx.DateOf(time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC)))
	for _, bad := range []string{"2023-02-29", "2024-13-01", "29/02/2024", "2024-2-9"} {
		_, err := socialrx.ParseDate(bad)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), bad)
	}
	b, err := d.MarshalText()
	require.NoError(t, err)
	var got socialrx.Date
	require.NoError(t, got.UnmarshalText(b))
	assert.Equal(t, d, got)
	require.NoError(t, got.UnmarshalText(nil))
	assert.True(t, got.IsZero())
	assert.Equal(t, "", got.String())
	assert.Error(t, got.UnmarshalText([]byte("nope")))
}
