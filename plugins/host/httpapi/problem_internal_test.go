package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
)

func TestProblemListsAtMostMaxProblemFields(t *testing.T) {
	var fs []socialrx.FieldError
	for i := range MaxProblemFields + 5 {
		fs = append(fs, socialrx.Field(fmt.Sprintf("/items/%d", i), "required"))
	}
	rec := httptest.NewRecorder()
	writeProblem(rec, socialrx.Invalid(fs...))
	var p Problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
	assert.Len(t, p.Errors, MaxProblemFields)
	assert.Contains(t, p.Detail, "and 5 more fields")
}
