package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func TestSendPushApproval(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	status := func() map[int64]string {
		out := map[int64]string{}
		for _, m := range h.MustDataset(t, testKey).Messages {
			out[m.MessageID] = m.Status
		}
		return out
	}
	wantOK(t, `POST sendPushApproval [{"messageId":0}]`, h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", `[{"messageId":0}]`))
	if diff := cmp.Diff(map[int64]string{0: state.MessageApproved, 7: state.MessageApproved}, status()); diff != "" {
		t.Errorf("message statuses after approving 0 mismatch (-want +got):\n%s", diff)
	}
	wantOK(t, "approving again", h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", `[{"messageId":0},{"messageId":7}]`))
	wantOK(t, "approving nothing", h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", `[]`))
}
