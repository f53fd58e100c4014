package scenario_test

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/scenario"
)

// TestNoLicenseAtRest runs every scenario with a fresh directory as working
// directory, HOME and TMPDIR, then reads every file written there: none may
// hold a delivered license's bytes (raw or base64) or a data value.
func TestNoLicenseAtRest(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", dir)
	t.Setenv("TMPDIR", dir)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, ".cache"))

	var secrets [][]byte
	for _, sc := range scenarios {
		e := newEnv(t, sc.paasID)
		c := e.common(t, sc.subject)
		h := e.holder(t, sc.subject, c)
		id, expect := sc.start(t, e, c, h)
		require.NoError(t, e.srv.Sim.Decide(id, dstest.Decision{Decision: "approve"}))
		a, err := e.svc.Wait(ctx(t), id, scenario.WaitOptions{Interval: 20 * time.Millisecond})
		require.NoError(t, err)
		d, err := e.svc.Deliver(ctx(t), a, expect)
		require.NoError(t, err)
		for _, l := range d.Licenses {
			secrets = append(secrets, bytes.Clone(l.Content), []byte(base64.StdEncoding.EncodeToString(l.Content)))
		}
		for _, di := range d.Data {
			secrets = append(secrets, bytes.Clone(di.Value))
		}
		d.Wipe()
		for _, l := range d.Licenses {
			assert.Nil(t, l.Content, "Wipe clears contents")
		}
	}
	require.NotEmpty(t, secrets)

	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			assert.False(t, bytes.Contains(b, s), "license data found at rest in %s", p)
		}
		return nil
	}))
	t.Logf("checked %d files written under the test's HOME, TMPDIR and working directory for %d secrets", files, len(secrets))
}
