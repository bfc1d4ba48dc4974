package contracts_test

import (
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/netmera-mock/netmera-mock/contracts"
)

// A request the document refuses comes back in Netmera's terms, ready for
// the error envelope.
func ExampleValidator_ValidateRequest() {
	doc, err := contracts.Default()
	if err != nil {
		log.Fatal(err)
	}
	v, err := contracts.NewValidator(doc)
	if err != nil {
		log.Fatal(err)
	}
	for _, body := range []string{
		`{"tag":"Sport","extIds":["id1","id2"]}`,
		`{"tag":"Sport"}`,
		`{"tag":5,"extIds":["id1"]}`,
		`{"tag":"Sport",`,
	} {
		r := httptest.NewRequest("POST", "http://127.0.0.1:8080/rest/3.0/tagUsers", strings.NewReader(body))
		var ve *contracts.ValidationError
		if err := v.ValidateRequest(r, []byte(body)); errors.As(err, &ve) {
			fmt.Printf("400 {\"code\":%d,\"error\":%q}\n", ve.Code, ve.Message)
		} else {
			fmt.Println("valid:", err == nil)
		}
	}
	// Output:
	// valid: true
	// 400 {"code":2020,"error":"extIds is required"}
	// 400 {"code":2004,"error":"Field 'tag' should be a list of texts"}
	// 400 {"code":2009,"error":"Invalid JSON"}
}
