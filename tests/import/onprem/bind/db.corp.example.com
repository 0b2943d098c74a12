$ORIGIN corp.example.com.
$TTL 300
@	3600	IN	SOA	ns1.corp.example.com. hostmaster.corp.example.com. (
				2024060101 ; serial
				3600       ; refresh
				600        ; retry
				1209600    ; expire
				300 )      ; negative TTL
	3600	IN	NS	ns1
ns1		IN	A	192.168.10.53
app		IN	A	192.168.20.15
db		IN	A	192.168.20.16
www		IN	CNAME	app
