package scenario_test

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"log/slog"
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

	// Everything the SDK logs goes to a file in the directory, at debug level.
	logFile, err := os.Create(filepath.Join(dir, "sdk.log"))
	require.NoError(t, err)
	defer logFile.Close()
	log := slog.New(slog.NewJSONHandler(logFile, &slog.HandlerOptions{Level: slog.LevelDebug}))

	var secrets [][]byte
	for _, sc := range scenarios {
		e := newEnvLog(t, sc.paasID, log)
		c := e.common(t, sc.subject)
		h := e.holder(t, sc.subject, c)
		id, expect := sc.start(t, e, c, h)
		require.NoError(t, e.srv.Sim.Decide(id, dstest.Decision{Decision: "approve"}))
		a, err := e.svc.Wait(ctx(t), id, scenario.WaitOptions{Interval: 20 * time.Millisecond})
		require.NoError(t, err)
		d, err := e.svc.Deliver(ctx(t), a, expect)
		require.NoError(t, err)
		for _, l := range d.Licenses {
			log.Info("license received", "license", l) // LogValuer: masked, no content
		}
		for _, l := range d.Licenses {
			secrets = append(secrets, bytes.Clone(l.Content), []byte(base64.StdEncoding.EncodeToString(l.Content)))
		}
		for _, di := range d.Data {
			// A short value such as 180 (months) is found anywhere by
			// chance; search for the values long enough to mean something.
			if len(di.Value) >= 8 {
				secrets = append(secrets, bytes.Clone(di.Value))
			}
		}
		d.Wipe()
		for _, l := range d.Licenses {
			assert.Nil(t, l.Content, "Wipe clears contents")
		}
	}
	require.NotEmpty(t, secrets)

	require.NoError(t, logFile.Sync())
	found, files, err := findSecrets(dir, secrets)
	require.NoError(t, err)
	assert.Empty(t, found, "license data found at rest")
	assert.GreaterOrEqual(t, files, 1, "the SDK's log file was scanned")
	t.Logf("checked %d files written under the test's HOME, TMPDIR and working directory for %d secrets", files, len(secrets))

	// The scan finds a secret when one is there.
	canary := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(canary, "leak.bin"), append([]byte("x"), secrets[0]...), 0o600))
	found, _, err = findSecrets(canary, secrets)
	require.NoError(t, err)
	assert.Len(t, found, 1)
}

// findSecrets lists the files under dir holding any of secrets.
func findSecrets(dir string, secrets [][]byte) (found []string, files int, err error) {
	err = filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, s) {
				found = append(found, p)
				break
			}
		}
		return nil
	})
	return found, files, err
}
