package scenario_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
)

// TestHallScreenAgainstSimulator runs a rotator and a hall screen on the
// real service against the simulator: the code shown is the platform's,
// rotation gives a new code, and an authorization started by scanning it
// shows on the screen with the holder masked.
func TestHallScreenAgainstSimulator(t *testing.T) {
	e := newEnv(t, "zs-rsj-001")
	c := e.common(t, scenario.Personal)
	h := e.holder(t, scenario.Personal, c)
	req := (&personal.ServiceCode{Common: c, TerminalID: "hall-1"}).ScenarioRequest()

	rot, err := scenario.NewRotator(scenario.RotatorConfig{Issue: scenario.IssuerFor(e.svc, req)})
	require.NoError(t, err)
	scr, err := scenario.NewScreen(scenario.ScreenConfig{Rotator: rot, List: scenario.ListerFor(e.svc), Subject: scenario.Personal, Poll: 50 * time.Millisecond})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = rot.Run(runCtx) }()
	go func() { _ = scr.Run(runCtx) }()

	require.Eventually(t, func() bool { _, ok := rot.Current(); return ok }, 5*time.Second, 10*time.Millisecond)
	first, _ := rot.Current()
	list, err := e.svc.ServiceCodeAuthorizations(ctx(t), first.CodeID)
	require.NoError(t, err, "the code is the platform's")
	assert.Empty(t, list)

	require.NoError(t, rot.Rotate(ctx(t)))
	second, ok := rot.Current()
	require.True(t, ok)
	assert.NotEqual(t, first.CodeID, second.CodeID)
	assert.NotEqual(t, first.QRContent, second.QRContent)

	id, err := e.srv.Sim.Scan(second.QRContent, ref(h))
	require.NoError(t, err)

	srv := httptest.NewServer(http.StripPrefix("/hall", scr))
	defer srv.Close()
	var state struct {
		Authorizations []struct {
			AuthorizationID string `json:"authorizationId"`
			Holder          string `json:"holder"`
		} `json:"authorizations"`
	}
	require.Eventually(t, func() bool {
		resp, err := http.Get(srv.URL + "/hall/state")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		state.Authorizations = nil
		return json.NewDecoder(resp.Body).Decode(&state) == nil && len(state.Authorizations) == 1
	}, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, id, state.Authorizations[0].AuthorizationID)
	assert.Equal(t, mask.Name(h.Name), state.Authorizations[0].Holder, "the holder's name is masked")
	assert.NotEqual(t, h.Name, state.Authorizations[0].Holder)
}
