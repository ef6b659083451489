#!/bin/sh
# make-seeds.sh: (re)write the seed corpora of fuzz_asdb_csv,
# fuzz_asmap_iplocdb and fuzz_asdb_image (tools/run-fuzz.sh finds them
# here).  Deterministic; run from anywhere.
set -eu
cd "$(dirname "$0")"
rm -rf fuzz_asdb_csv fuzz_asmap_iplocdb fuzz_asdb_image
mkdir -p fuzz_asdb_csv fuzz_asdb_image

c=fuzz_asdb_csv
cp ../small.csv "$c/small.csv"
cp ../bad-row.csv "$c/bad-row.csv"
printf '10.2.0.0,10.2.0.255,3,narrow first\n10.0.0.0,10.255.255.255,1,wide\n10.1.0.0,10.1.255.255,2,"narrow, after"\n10.3.0.0,10.3.0.255,4,same\n10.3.0.0,10.3.0.255,5,same later\n0.0.0.0,0.255.255.255,7,zero\n255.255.255.0,255.255.255.255,8,end\n' >"$c/overlaps.csv"
printf 'ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization\r\n16777216,16777471,13335,"Cloudflare, Inc."\r\n16778240,16779263,38803,Gtelecom Pty Ltd\r\n' >"$c/num-header-crlf.csv"
printf '2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\n2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n1.0.0.0,1.0.0.255,0,None\n' >"$c/v6-and-as0.csv"
printf '1.0.0.0,1.0.0.255,1,"a ""b"" c"\n1.0.1.0,1.0.1.255,2,"\303\251t\303\251 \302\255 \377\001"\n1.0.2.0,1.0.2.255,3,"unterminated\n' >"$c/quotes-utf8.csv"
cp -R "$c" fuzz_asmap_iplocdb

# fuzz_asdb_image: 0 = the bytes are the image; 1 = patches to a valid
# image (offset, value; 8 bytes each); 2 = cut to a length, then patches.
i=fuzz_asdb_image
printf '\001' >"$i/base-unchanged"
printf '\001\220\000\000\000\377\377\377\177' >"$i/starts-offset"
printf '\001\170\000\000\000\000\000\000\000' >"$i/no-intervals"
printf '\001\000\004\000\000\377\377\377\377\004\004\000\000\007\000\000\000' >"$i/index-entries"
printf '\002\000\001\000\000' >"$i/cut-after-header"
printf '\002\377\377\377\377\014\000\000\000\002\000\000\000' >"$i/format-2"
printf '\000LHASDB\r\n\015\014\013\012\001\000\000\000' >"$i/raw-short"
echo "seeds written"
