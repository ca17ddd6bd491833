"""Weighted phrases for the five payment intents, written folded (no diacritics, lower case) and
put through the same normaliser as messages, so "ni", "vo", "tk" here mean what they mean there.

Format: `## intent`, then `weight phrase` or `weight phrase + other phrase` (both must occur).
A negative weight is a cue against the intent. `#` is any number; `__qchua` marks a message that
ends in "chưa" (has it happened yet?), `__future` a period after this month."""
from __future__ import annotations

RULES = """
## payment_status
3    ve chua
3    toi chua
3    vao chua
2.5  co tien chua
2    co chua
3    chuyen chua
3    chi chua
2.5  tra chua
2.5  phat chua
2.5  nhan chua
2.5  nhan duoc chua
2.5  tien chua
2.5  tai khoan chua
2.5  thang # chua
2.5  thang nay chua
2.5  thang truoc chua
2    duyet chi
2.5  __qchua
3    kiem tra tien
1.5  kiem tra
3    tra cuu tien
1.5  tra cuu
3    check tien
2    check
2    xem tien
2    coi tien
3    tinh trang
3    trang thai
1.5  tien ve
1.5  ve tai khoan
1    vao tai khoan
1.5  da ve
1.5  da chuyen
1.5  duoc chuyen
1    da chi
2    chi roi
2    chuyen roi
0.5  ve roi
1.5  roi phai khong
1    co tien
1.5  co tien khong
1.5  thay tien
1    chua thay
3    arrived
2    payment in
3    paid yet
1.5  money come
2    has my payment
2    did the money
1.5  received

## payment_schedule
2    o dau + tien mat
1    dau thang
1    cuoi thang
2    khi nao
2    bao gio
2    chung nao
2    luc nao
2    khi dau
2    khi mo
2.5  ngay may
2.5  ngay nao
2.5  hom nao
2.5  bua nao
2.5  bua dau
2.5  bua mo
2.5  ngay dau
2.5  ngay mo
2.5  may gio
1.5  gio nao
2.5  mung may
1.5  thang may
1.5  o dau
1.5  cho nao
1.5  cho dau
1    o mo
1.5  cho mo
2.5  dia diem
3    diem chi tra
3    diem phat
2.5  noi nhan
2.5  lich
1.5  lich chi tra
1.5  lich phat
1    lich nhan
1.5  phat tien
1    chi tra tien mat
1    tien mat
1    tiep theo
1.5  ky sau
1.5  ky toi
3    next payment
2    when
1.5  where
2    collect
3    schedule
2    sang hay chieu
1.5  mo cua
2    den luot
1.5  tuan nay
1.5  tuan sau
1    ngay mai
1.5  tet
1.5  nha van hoa
1    buu dien
2    thu bay
2    chu nhat
1    buoi sang
1    buoi chieu
1.5  __future

## payment_amount
2    tien hon
1    nhieu tien
1.5  huong muc
2    # dong
1.5  # trieu
2    bao nhieu
2    bao nhieu tien
1.5  la bao nhieu
3    may tien
3    may tram
3    muc huong
3    muc tro cap
3    muc chuan
1.5  muc
2.5  muc nao
1    muc bao nhieu
3.5  he so
1.5  so tien
2    so tien ghi
1.5  tien hang thang
2.5  tinh tien
3    cach tinh
2    tinh nhu the nao
2    tinh sao
2    tinh ra
3    it tien
2.5  it hon
2.5  it vay
2    it qua
2    it the
2    nhieu hon
2.5  tang tien
2.5  duoc tang
2    tang len
2    sao tang
2.5  giam tien
2    bi giam
2    tien giam
2    sao giam
1.5  so tien thay doi
1.5  chi co
1.5  chi duoc
1.5  duoc bao nhieu
1    huong bao nhieu
1    nhan bao nhieu
1.5  sao tien
3    how much
3    amount
3    truy linh
1.5  them tien
1.5  duoc them
2    cong them
1    la may
1    nghin
1    trieu
1.5  # nghin
2    # khoan
2    hai khoan
2    nhan cai nao

## payment_history
1    dau nam
4.5  lich su
4.5  sao ke
3    bang ke
3    thong ke
3    cac thang
3    nhung thang
3    cac lan
3    nhung lan
3    cac ky
2.5  lan nhan
2.5  lan cuoi
1.5  gan nhat
2.5  gan day
2    thang qua
1.5  da nhan
2.5  may thang
2.5  may lan
3    bao nhieu lan
3    tung thang
1    tat ca
3    liet ke
2.5  xem lai
1.5  tong
1    tong tien
1    nam nay
2    nam ngoai
4    tu dau nam
2    trong nam
2    # thang
4    history
3.5  past payments
2    past
1.5  giao dich
2.5  cac khoan
2    da chi cho
2    het chua
2    nhan du
2    tra du
2    toi gio

## payment_method
3.5  rut tien
1.5  rut
3    atm
3    lam the
3    mat the
3    nuot
3    cach dung the
2.5  ngan hang
0.5  tai khoan
2    so tai khoan
3    doi so tai khoan
2    qua tai khoan
2    sang tai khoan
3    vi dien tu
2.5  vi vietel
3    vietel money
1.5  vietel
3    vnpt money
2    vnpt
3.5  momo
3    zalopay
3    ma pin
2.5  pin
3    mat khau
2    tien mat
1.5  nhan tien mat
2.5  nhan qua
2.5  nhan bang
2.5  bang tien mat
2    nhu cu
3.5  hinh thuc
2    chuyen sang
1    chuyen qua
1.5  doi sang
3    mo tai khoan
3    mo vi
3    kich hoat vi
2    dang ky vi
2    qua vi
2    trong vi
2    vi bi
1.5  ve vi
1.5  vi cua
3    so du
2    bi khoa
2    tai nha
1.5  nhan tai nha
-1.5 nha van hoa
3    toi nha
3    chuyen khoan
2    thong minh
4    withdraw
4    cash instead
1.5  cash
3    bank
3    wallet
3    card
2.5  cay atm
3    cua hang vietel
1    phi
2    ton phi
2    mat phi
2    lay tien
2    nhan ho
2    bat buoc
2    nhan tien the nao
2.5  bang cach nao
2.5  qua buu dien
1.5  buu dien
1    nhan lai
"""
