// The Tokyo Stock Exchange's price rules for ordinary shares: what the sample market simulates
// and the bars contract checks.
//
// Tick size (呼値の単位): the price step allowed at a price, from the general table (not the
// finer TOPIX100 table). The bands nest — every tick is a multiple of each smaller one — so a
// price rounded to the tick of its own band is a valid price in whichever band it lands.
//
// Daily price limit (制限値幅): how far a day's prices may move from the base price (the
// previous close). The limit prices themselves are put on the tick grid, inward: the upper
// limit rounds down and the lower limit up (never below the smallest price, 1 yen), so that a
// price at the limit is also a valid price.
//
// All prices are yen as doubles holding whole numbers. Pure functions; thread-safe.
#pragma once

namespace gogooku3::market {

// The tick at `price` (> 0): 1 up to 3,000 yen, 5 up to 5,000, ..., 100,000 above 50 million.
double tick_size(double price);

// The daily limit width for a base price (> 0): 30 yen below 100, ..., 10 million from 50
// million.
double daily_limit_width(double base_price);

// The nearest price on the tick grid, at least 1.
double round_to_tick(double price);
// The largest / smallest grid price at or below / at or above `price`, at least 1.
double floor_to_tick(double price);
double ceil_to_tick(double price);

// The prices a day may not go beyond, given its base price.
double upper_limit_price(double base_price);
double lower_limit_price(double base_price);

}  // namespace gogooku3::market
