package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/referral"
)

// TestNoRequestGoesUnderTheSuppressionFloor asks for the outcomes report
// with every breakdown, one-way and two-way, and a range of min_cell
// values, over people spread across practices and areas: a min_cell under
// the floor (5) is refused naming the parameter, and no published cell of
// any answer counts fewer people than the floor, or than the min_cell
// asked for when that is higher.
func TestNoRequestGoesUnderTheSuppressionFloor(t *testing.T) {
	e := newEnv(t)
	var base map[string]any
	require.NoError(t, json.Unmarshal(referralDoc(t), &base))
	areas := []string{"SE11 5QY", "SE1 7EH", "SW8 1RL"}
	for i := range 13 {
		doc := cloneMap(t, base)
		person := doc["person"].(map[string]any)
		person["nhs_number"] = nhsNumber(int64(1000 + i*7))
		person["given_name"] = fmt.Sprintf("Person%d", i)
		person["postcode"] = areas[i%len(areas)]
		doc["consents"].(map[string]any)["evaluation"] = map[string]any{"given": true, "recorded_by": "Dr Asha Patel", "recorded_at": "2026-11-02T10:15:00Z"}
		role := referral.RoleReferrer
		if i%4 == 0 {
			role = "other_referrer"
			doc["referrer"].(map[string]any)["organisation_code"] = "B82002"
		}
		res := e.do(role, "POST", "/v1/referrals", doc)
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		var r referral.Referral
		res.decode(t, &r)
		for _, to := range []string{"accepted", "active"} {
			require.Equal(t, http.StatusOK, e.do(referral.RoleAdmin, "POST", "/v1/referrals/"+r.ID+"/status", StatusBody(to, "")).status)
		}
		for point, v := range map[string]int{"baseline": 2, "follow_up": 2 + i%3} {
			res := e.do(referral.RoleAdmin, "POST", "/v1/referrals/"+r.ID+"/measurements", swemwbs(point, "2026-11-02", v))
			require.Equal(t, http.StatusCreated, res.status, string(res.body))
		}
	}

	dims := outcomes.Dimension("").EnumValues()
	var breakdowns []string
	for i, rows := range dims {
		breakdowns = append(breakdowns, rows)
		for _, cols := range dims[i+1:] {
			breakdowns = append(breakdowns, rows+":"+cols)
		}
	}
	published := 0
	for _, minCell := range []string{"", "0", "1", "2", "4", "5", "6", "9"} {
		for _, bd := range breakdowns {
			q := url.Values{"breakdown": {bd}}
			if minCell != "" {
				q.Set("min_cell", minCell)
			}
			res := e.do(referral.RoleCommissioner, "GET", "/v1/reports/outcomes?"+q.Encode(), nil)
			asked, _ := strconv.Atoi(minCell)
			if minCell != "" && asked < 5 {
				require.Equal(t, http.StatusBadRequest, res.status, "min_cell=%s breakdown=%s: %s", minCell, bd, res.body)
				assert.Equal(t, "/min_cell", problem(t, res).Errors[0].Pointer)
				continue
			}
			require.Equal(t, http.StatusOK, res.status, "min_cell=%s breakdown=%s: %s", minCell, bd, res.body)
			var rep outcomes.Report
			res.decode(t, &rep)
			floor := max(5, asked)
			assert.Equal(t, floor, rep.MinCell)
			for _, sc := range rep.Scales {
				cells := []outcomes.Cell{sc.Overall}
				for _, tb := range sc.Tables {
					cells = append(cells, tb.Cells...)
				}
				for _, c := range cells {
					if c.Stats != nil {
						published++
						assert.GreaterOrEqual(t, c.Stats.N, floor, "min_cell=%s breakdown=%s cell %s/%s", minCell, bd, c.Row, c.Column)
					}
				}
			}
		}
	}
	assert.Greater(t, published, 100, "the data publishes cells at all")
}

func cloneMap(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
