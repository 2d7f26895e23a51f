"""Name and place vocabularies for synthetic Kota Palangka Raya data (Banjar, Dayak, Javanese)."""

MALE = """Ahmad Abdul Agus Andi Arif Bambang Budi Dedi Dodi Eko Fajar Fauzi Hadi Hendra Heri
Iwan Joko Kurniawan Lukman Muhammad Rahmat Rizal Rudi Samsul Slamet Sugeng Supriyadi Syahrul
Teguh Wahyu Yanto Yusuf Zainal Rusdi Fadli Hasan Husin Ilham Irwan Junaidi Kamaruddin
Mahyudin Noor Riduan Saipul Taufik Antonius Yohanes Markus Paulus Petrus Ranu Tjilik Damang
Sahari Ardi Bayu Dimas Gilang Hafiz Rizki Reza Yogi Akhmad Aspihani Gusti Iberahim Jumadi""".split()
FEMALE = """Siti Nur Aminah Dewi Fitri Indah Lestari Maya Nurul Rina Sari Sri Wahyuni Yuliani
Aisyah Fatimah Halimah Jamilah Khadijah Maria Rosmawati Rusmini Salmah Mariani Norhayati
Rahmah Rusnah Masitah Juliana Agustina Veronika Theresia Elisabeth Yuliana Martha Lusia
Herlina Erni Kartini Suryani Rahayu Ratna Nurlela Hartini Sumiati Mardiana Normah Ijah
Anisa Putri Dina Nadia Ayu Citra Intan Melati Zahra Salsabila Aulia Fadhilah""".split()
SECOND = """Saputra Pratama Hidayat Setiawan Santoso Wijaya Kusuma Rahman Hakim Nugroho Susanto
Ramadhan Firmansyah Gunawan Hadiansyah Effendi Syahputra Anwar Halim Irawan Jaya Kurnia
Lubis Siregar Nainggolan Simanjuntak Tarigan Ginting Pasaribu Lambung Ngabe Penyang Bahen
Sandan Ranying Tiung Antang Kaharap Ilun Aini Wati Ningsih Handayani Rahmawati Susanti
Fitriani Lestari Sari Utami Safitri Yanti Arianti""".split()
FEMALE_SECOND = """Aini Wati Ningsih Handayani Rahmawati Susanti Fitriani Lestari Sari Utami
Safitri Yanti Arianti Purnamasari Anggraini Novita Maharani Permata Kartika Oktaviani""".split()
BIRTHPLACES = ["PALANGKA RAYA"] * 12 + [
    "BANJARMASIN",
    "SAMPIT",
    "KUALA KAPUAS",
    "PULANG PISAU",
    "KASONGAN",
    "BUNTOK",
    "MUARA TEWEH",
    "PANGKALAN BUN",
    "MARTAPURA",
    "AMUNTAI",
    "SURABAYA",
    "SEMARANG",
    "KEDIRI",
    "PONTIANAK",
]
STREETS = """Jl. Tjilik Riwut|Jl. RTA Milono|Jl. G. Obos|Jl. Rajawali|Jl. Temanggung Tilung|
Jl. Mahir Mahar|Jl. Kinibalu|Jl. Beliang|Jl. Sisingamangaraja|Jl. Yos Sudarso|Jl. Diponegoro|
Jl. Seth Adji|Jl. Bukit Keminting|Jl. Murjani|Jl. Kalimantan|Jl. Banteng|Jl. Menteng|
Jl. Badak|Jl. Kecipir|Jl. Sapan|Jl. Mendawai|Jl. Tingang|Jl. Garuda|Jl. Meranti""".replace(
    "\n", ""
).split("|")
JOBS_HEAD = [
    "BURUH HARIAN LEPAS",
    "PETANI/PEKEBUN",
    "NELAYAN/PERIKANAN",
    "PEDAGANG",
    "WIRASWASTA",
    "BELUM/TIDAK BEKERJA",
    "SOPIR",
    "TUKANG BANGUNAN",
    "KARYAWAN SWASTA",
]
JOBS_SPOUSE = ["MENGURUS RUMAH TANGGA"] * 4 + ["PEDAGANG", "BURUH HARIAN LEPAS"]
KECAMATAN_ELSEWHERE = [
    "630101",
    "630102",
    "637101",
    "637102",
    "620201",
    "620301",
    "620101",
    "350101",
    "357101",
    "337401",
    "617101",
    "620401",
]
