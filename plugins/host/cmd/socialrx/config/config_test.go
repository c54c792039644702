package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

// TestRetentionConfig: the retention period is read from the config file,
// and a period outside 1 to 1200 months (or -1, never) is refused naming
// the field, before anything is opened.
func TestRetentionConfig(t *testing.T) {
	for _, tc := range []struct {
		months int
		ok     bool
	}{{0, true}, {6, true}, {-1, true}, {1200, true}, {-2, false}, {1201, false}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "socialrx.json")
		db := filepath.Join(dir, "socialrx.db")
		require.NoError(t, os.WriteFile(path, []byte(`{"store":{"sqlite":"`+db+`"},"messenger":{"log":"`+filepath.Join(dir, "m.log")+`"},
			"tokens_file":"`+filepath.Join(dir, "t.json")+`","retention":{"closed_referrals_months":`+itoa(tc.months)+`}}`), 0o600))
		cfg, err := config.Load(path)
		require.NoError(t, err)
		assert.Equal(t, tc.months, cfg.Retention.ClosedReferralsMonths)
		rt, err := config.Open(cfg, nil)
		if tc.ok {
			require.NoError(t, err, tc.months)
			rt.Close()
			continue
		}
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), tc.months)
		assert.Equal(t, "/retention/closed_referrals_months", socialrx.ErrorFields(err)[0].Path)
		_, statErr := os.Stat(db)
		assert.True(t, os.IsNotExist(statErr), "nothing is opened")
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
