module github.com/netmera-mock/netmera-mock

go 1.26.8

require (
	github.com/brianvoe/gofakeit/v6 v6.28.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/gorilla/mux v1.8.1 // indirect
)
