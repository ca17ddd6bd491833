"""Weighted phrases for the conversational and account intents, and cues for messages that are
out of scope (weather, lottery, land, health…). Same format as lexicon_payments."""
from __future__ import annotations

RULES = """
## greeting
2.5  chao
2    alo
2    a lo
2    he lo
2    hello
2    helo
2    hi
2    hey
1.5  co ai khong
1.5  co ai o do khong
1    ai do
2    good morning
2    good afternoon
2    good evening
2    kinh chao
1.5  thua

## thanks
4    cam on
2    cam ta
4    da ta
4    thanks
4    thank you
2    thank u
1.5  ok
1.5  vang
1.5  hieu roi
1.5  biet roi
1.5  ro roi
1    duoc roi
1.5  tot qua
1.5  hay qua
3    quy hoa
1.5  great
1    chuc

## help
2    dich vu nay sao
2    sao tra cuu
1.5  giup
2    giup voi
2    giup do
3    tro giup
3    huong dan
1    lam gi
3    phai lam gi
0.8  lam sao
2    lam sao day
2    phai lam sao
1.5  khong biet
2    khong biet chu
1.5  khong hieu
2.5  cach dung
2.5  cach su dung
2    su dung
2    dung dich vu
1    dich vu
1    la gi
2.5  chuc nang
1.5  bam
2.5  nhan gi
2.5  nhan tin the nao
2    cach nhan tin
2    hoi gi
2    hoi cai gi
1.5  de hoi
3    duoc nhung gi
2    chi giup
1.5  chi cach
1.5  chi toi
1    chi
3    cuu voi
3    how does
3    what can i
3    need help
3    help
3    menu
3    cu phap
2    lenh
2    go gi
2    cach tra cuu
2    kieu gi
1    ho tro
2    dung sao
2    dung the nao

## eligibility
-3.5 xin huong dan
2.5  duoc huong
1.5  co duoc huong
1.5  huong khong
1.5  co duoc
3    co duoc tien
2    duoc tien khong
2    duoc nhan khong
2    chua duoc nhan
3.5  duoc tro cap
3    duoc ho tro
2    ho tro khong
4    dieu kien
4    ai duoc
3    nhung ai
1.5  doi tuong
3    gom nhung ai
3.5  ho so
3.5  thu tuc
3    giay to
3.5  lam don
1.5  don
3.5  xin tro cap
3.5  xin huong
1    xin
1.5  xin cho
3.5  de nghi
3.5  mau don
2    nop
1.5  duyet
3    xet duyet
3.5  giam dinh
3.5  xac nhan khuyet tat
1.5  khuyet tat
1.5  mo coi
2    ho ngheo
2    can ngheo
1.5  don than
2.5  neo don
1.5  tam than
1.5  hiv
1.5  bai liet
2    luong huu
4    bao nhieu tuoi
3.5  may tuoi
1.5  # tuoi
0.5  tuoi
3    tu dong duoc huong
2    che do
1.5  huong che do
1    nguoi cao tuoi
1    nguoi gia
4.5  mai tang
4    eligible
3.5  apply
4    qualify
1.5  can my
2    elderly allowance
3    lam sao xin
3    chua duoc huong
2    song mot minh
2    dan toc
2    di hoc
2    dang ky huong
2    dang ky tien gia
2    dang ky tro cap
1.5  bao lau

## register
2.5  dang ky
-2.5 dang ky huong
-2.5 dang ky tro cap
-2.5 dang ky tien gia
-2   dang ky vi
3    dang ky nhan tin
1    nhan tin
2    muon nhan tin
2    nhan tin khi
2    nhan tin cho toi
3    nhan thong bao
1    thong bao
1.5  bao tin
2.5  bao cho toi
2    khi co tien
2    khi tien
4    lien ket
3    ket noi
3    gan so
3    them so
2.5  them nguoi
3.5  xac thuc
3.5  xac minh
1.5  otp
2    gui ma
1.5  ma xac nhan
3.5  ma doi tuong
2.5  theo doi
1    giam ho
3    toi la con
2    la con trai
2    la con gai
2    la chau
1.5  toi la
3.5  dang nhap
4    bat thong bao
2.5  kich hoat
4    sign up
4    subscribe
2.5  link
3    notification
3    alert
2    tin nhan
2    nhan tin bao
2    nhan duoc tin
1.5  telegram
1.5  sinh nam
1    ngay sinh
1    uy quyen
3    __code

## report_change
3.5  doi so
-3.5 doi so tai khoan
3    so moi
1    so dien thoai moi
3    doi sang so
3    doi qua so
3    so khac
3    so cu
3    mat dien thoai
3    da mat
3    mat roi
2.5  toi mat
-3   mat tien
3    vua mat
3    moi mat
3    mat hom qua
2    bao mat
5    qua doi
5    tu tran
5    da chet
3    chet
5    bao tu
5    ta the
4    ong ba to tien
4    chuyen nha
5    ho khau
4    chuyen khau
2    chuyen di
2    chuyen ra
3.5  don di
3.5  don nha
3.5  noi khac
3    xa khac
3    phuong khac
3    thon khac
1.5  chuyen vao
1.5  chuyen ve
2    gia dinh chuyen
3    ca nha chuyen
1    song
1    da nang
1    sai gon
1    ha noi
3    ve o voi
2.5  o voi con
3    noi o
3    cho o
1.5  dia chi
3    doi dia chi
4    vien duong lao
3    benh vien lau dai
3.5  doi nguoi
1    nguoi khac
2    nguoi nhan thay
3    nguoi giam ho moi
2    doi nguoi giam ho
3    thay doi nguoi
3    doi ten
3    khong con la
1    nguoi cham soc
3    thay doi thong tin
2    thay doi
2    bao thay doi
2.5  cap nhat
2.5  sua
2    bi sai
2    sai ten
2    sai ngay sinh
2    can cuoc
2    cccd
2    cmnd
5    bao giam
3    khong con di hoc
2.5  du # tuoi
1.5  nhan thay
4    changed my
3    new number
5    passed away
5    died
4    moved
1    __phone

## complaint
2.5  bi ngung
2.5  ngung tro cap
2    dung tro cap
2    doi # nghin
1.5  nguoi phat tien
5    khieu nai
4    phan anh
5    to cao
3    thieu
1.5  bi thieu
1    khong du
3    khong du tien
4    bi tru
2.5  tru tien
3    tru phi
3.5  thu phi
3    dong phi
3    bi cat
2.5  cat tien
2.5  bi dung
4    lua dao
4    bi lua
5    gia danh
3.5  nguoi la
3    doi ma
3    doi otp
2.5  doi mat khau
3.5  tu xung
3.5  xung la
5    ke gian
3    vao link
2    bam vao
5    an chan
5    an bot
3.5  boi duong
2.5  doi tien
3    bi doi
2.5  doi #
4    thai do
3    cho lau
3    ca buoi
3    may tieng
2    cho may
2    dong qua
2.5  cham
3    qua han
3    giai quyet
2    khong chiu
3    nham
3    mat tien
3    rut mat
3    nhan mat
3    nguoi khac nhan
5.5  khong dong y
2.5  su dong y
4    sai quy dinh
3.5  vo co
3    bi tra ve
1.5  tra ve
3    that bai
2.5  khong thanh cong
3.5  khong nhan duoc
1.5  chua nhan duoc
2    khong co tien
2    chua co tien
2    khong thay
2    kiem tra khong thay
3    chua cam duoc
3    dong nao
2.5  ma bao
2.5  nhung bao
1.5  bao da
1.5  thong bao da
3    da chi tra nhung
1.5  tin nhan bao
3    bao thanh cong
2    ma khong
3    van chua
1.5  den gio
1.5  # thang roi
1.5  may thang roi
2.5  da # thang
2    khong ve
2.5  lau qua
2    lau roi
5    scam
5    fraud
4    didn t get
4    did not get
4    not received
5    complain
2    someone
2    asking for
1.5  tu nhien bi
2    lam an
2    kieu gi ma
3    khong ai nghe
2    khong ai
2    tien la
3    thang nao cung cham

## contact_officer
1    can bo
3    gap can bo
2.5  gap
2    gap nguoi
2    so dien thoai can bo
3    so dien thoai buu dien
3    so dien thoai uy ban
3    so dien thoai xa
3    so dien thoai phuong
3    so dien thoai nao
2    so cua
3.5  xin so
3.5  tong dai
1    tong dai vien
4    hotline
4    nguoi truc
3.5  ai truc
4    nguoi that
3    noi chuyen
3.5  goi cho ai
3    goi lai
2.5  goi cho
1    goi cho toi
3    hoi ai
3.5  lien he
3.5  lien lac
2.5  uy ban
2.5  van phong
3    phu trach
2    ai phu trach
1.5  nhan vien
2    nhan vien nao
3.5  lanh dao
3.5  chu tich
2    trach nhiem
2.5  truc tiep
1.5  so may
1.5  so mo
3    so zalo
3    phong lao dong
3    so lao dong
3    lao dong thuong binh
2.5  can bo xa hoi
2.5  can bo van hoa
2.5  can bo chinh sach
2.5  lam viec
4    talk to
3.5  speak to
4    call me
3.5  officer
2    person
2    ai tra loi
2    ten gi
2.5  den nha
2    la ai

## stop
-2   tro cap
2.5  huy
5    huy dang ky
4    huy nhan
4    huy dich vu
4    huy theo doi
4    huy lien ket
3    huy tat ca
2    muon huy
2    xin huy
4    dung nhan
4    dung gui
3    dung lai
3.5  dung dich vu
1.5  dung di
4    ngung
4    khong nhan nua
3    khong nhan tin
3    nhan nua
3.5  gui nua
0.8  nua
5    lam phien
4.5  bo theo doi
4    tat thong bao
4    tat tin nhan
1    tat
4    cat tin nhan
5    khong muon nhan tin
4    khong muon nhan thong bao
4    khong can thong bao
4    khong can gui
3.5  tu choi
4    xoa so
4    khoi nhan
1.5  thoi
3    tin nhan nhieu
5    stop
5    unsubscribe
5    opt out
3    khong dung dich vu
1.5  du roi
-4   tieng
-3   ngon ngu

## change_language
5    tieng anh
5    tieng viet
5    english
5    vietnamese
5    ngon ngu
5    language
4    anh ngu

## unknown
5    xem tu vi
5    tu vi hom nay
2    troi
-2   troi oi
5    troi mua
1.5  mua
5    mua ban
5    thoi tiet
5    xo so
5    ve so
5    lo de
5    taxi
5    xe om
4    grab
5    ban dat
5    mua dat
5    nha dat
4    ban nha
3    nha mat tien
4    cho thue
4    thue nha
5    bong da
5    da bong
5    da banh
5    football
5    weather
5    lotery
2.5  thuoc
4    dau lung
4    dau chan
3    benh vien
4    kham benh
4    di kham
5    huyet ap
5    tieu duong
1    benh
5    tien dien
5    tien nuoc
4    tien hoc
5    hoc phi
4.5  nap tien
5    vay tien
5    cho vay
5    lai suat
5    gia vang
5    gia lua
4    mua lua
5    gia heo
5    heo hoi
5    ty gia
4    do la
5    bitcoin
3    co bao
5    nuoc lu
4    ngap
5    xe buyt
4    ve xe
4    dat ve
5    chuyen bay
5    quan com
3.5  an com
5    cup dien
5    cat dien
5    xem boi
2    tu vi
3    gao
5    may giat
5    tuyen dung
4    viec lam
4    so do
5    tho cu
5    cap cuu
5    chuyen cuoi
2    hat
3    hat mot bai
3    buon qua
5    thi dai hoc
3    dai hoc
5    bao hiem xe
3    xe may
3    dien thoai cu
4    duong ra
4    thu may
5    may gio roi
2    con gi
3    may man
4    trau bo
3    viet nam thang
4    taxi
"""
