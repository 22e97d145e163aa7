// Package demo generates a believable synthetic city for demonstrations and tests:
// market entities (市场主体) spread over the counties of a prefecture, and the testing
// labs (检验检测机构), certification bodies (认证机构) and legal metrology institutions
// (法定计量技术机构) the bureau works with. "qcity demo" and "serve --demo" call
// Generate and then Load.
//
// Nothing here is real. Names are assembled from character frequencies and word lists,
// never copied; famous brands' 字号 are refused (denyBrands); USCCs are random codes
// with valid check characters. The demo generates records only: it stores no totals,
// so every count the application shows is counted from the records.
//
// # Determinism
//
// Generate draws everything from one math/rand/v2 PCG source seeded from
// Options.Seed, in a fixed order, with integer weights (no floating point), and reads
// neither the clock nor any file at run time. The same seed, options and jurisdiction
// give the same city byte for byte, on every platform, with the same embedded data and
// Go release.
//
// # Counties
//
// Entities are spread over 湛江's nine county-level divisions by countyShares (‰):
//
//	霞山区 150  赤坎区 120  坡头区  55  麻章区  90  遂溪县 100
//	徐闻县  75  廉江市 160  雷州市 140  吴川市 110
//
// These start from the 2021 year-end resident and urban populations published by
// 湛江市统计局 (万人, resident/urban): 廉江 136.7/45.9, 雷州 132.5/42.7, 吴川 91.1/39.9,
// 遂溪 82.8/29.9, 徐闻 63.6/24.6, 霞山 54.4/51.1, 赤坎 40.0/39.1, 坡头 34.1/15.2,
// 麻章 33.4/15.5, plus the economic and technological development zone 34.6/22.7,
// whose 街道 (东山, 东简, 民安) and 硇洲镇 are coded under 麻章区. Half the weight goes
// to the resident population and half to the urban population, a proxy for commerce;
// the result was then rounded, with the two urban cores raised (they hold most company
// seats and the city's commercial centres) and 麻章 and 雷州 lowered (the zone's
// population is counted in 麻章 but its industry is a few large plants; 雷州 is the
// least urbanised). The figures are the author's judgement from those inputs, not
// a statistic of registered entities. Other jurisdictions get an even spread.
//
// Within a county, 街道 of the county seat weigh three times a 镇 or 乡; the
// statistical areas of the township list (development zones, industrial parks) are
// not used as addresses. Roads and villages are synthetic: two 字号 characters and
// 路, 街, 大道 or 村.
//
// # Types, statuses, dates, capital
//
// Types (typeShares): 69% individual businesses (个体工商户), 25% companies, 2% farmer
// cooperatives, 2% branches, 1% partnerships, 1% sole proprietorships, the order of
// magnitude of SAMR's national 市场主体 statistics. Statuses (statusShares): 88% active
// (存续), 7% deregistered (注销), 4% revoked (吊销), 1% moved out (迁出).
//
// Establishment dates run from 1993-01-01 to the day before Options.Today, weighted by
// yearWeight:
// low and rising before 2014, then a jump with the 2014 commercial-registration reform
// (商事制度改革): a year from 2021 weighs 17, a year of the 1990s 2. Revoked entities
// are mostly older, deregistered ones spread evenly; neither is established in the
// last 180 days. No entity is established on Today itself. A branch of a local company opens after its parent. Entities are
// returned in establishment order, as a registry numbering records on registration
// holds them.
//
// Registered capital (万元, canonical decimal strings): companies mostly declare round
// sums from 10 to 5,000 in a roughly log-normal spread (median 100), with some
// irregular sums; joint-stock companies 1,000 to 10,000, groups 5,000 to 20,000.
// Partnerships, sole proprietorships and cooperatives carry their contributed funds;
// individual businesses and branches have none.
//
// # Names and industries
//
// A name is 行政区划 + 字号 + 行业 + 组织形式 (企业名称登记管理规定):
//
//   - 行政区划: 湛江市, 湛江, the county (湛江市霞山区, 遂溪县) or 广东 for companies;
//     the county (霞山区, 湛江市霞山区 or 霞山) for individual businesses; the county
//     and often the township for cooperatives; a branch appends its own place to its
//     parent's name (…有限公司湛江分公司, …有限公司遂溪分公司), the parent being an
//     earlier company of the city or a company from elsewhere in Guangdong.
//   - 字号: two characters drawn by their frequency at positions 3 and 4 of real names
//     (company_name_char_freq.csv), the commonest only, without stopChars; a third
//     character is added after repeated collisions. Names are unique in the city,
//     former names and organisations included.
//   - 行业: for companies, partnerships and sole proprietorships a word of
//     industry_words_compiled.csv weighted for 湛江 (companyWordWeights: trade,
//     construction, aquatic products, agriculture, food, feed, logistics, catering)
//     and per county (countyWordBoost: 廉江's small appliances, 吴川's shoes and
//     plastics, 徐闻's pineapples, 遂溪's sugar, 霞山's port and seafood markets, 麻章's
//     feed). The industry code is a GB/T 4754 class under the word's hint, narrowed by
//     wordRefinements where the hint is too broad. Individual businesses use shopTrades:
//     retail, catering and repair classes, which dominate them; cooperatives use
//     coopProducts.
//   - 组织形式: the forms of org_form_suffixes_compiled.csv allowed for the type.
//
// About 4% of entities have a former name (曾用名): another 字号, trade or 行政区划.
// Legal representatives take a surname by its national share, boosted for surnames
// common in 粤西 (陈, 梁, 黄, 林, 吴, 庞, 莫), and a given name uniformly.
//
// # Organisations
//
// 109 labs: 93 private companies (motor-vehicle inspection, construction materials,
// environment, food and farm produce, appliances in 廉江, calibration and others),
// seven city-level public institutions and one farm-produce station per county
// (事业单位, USCC authority 1, type 2). CMA numbers read 2019191234Z: the issue year, 19
// for Guangdong, a sequence and Z. 12 certification bodies, national ones registered
// in Beijing, Shanghai, Guangzhou and Shenzhen and one local, with approval numbers
// CNCA-R-2004-123. 7 legal metrology institutions: the city's, five counties' and a
// water-meter station, authorised as (粤)法计(2018)44083. Certificates run six years
// (CMA, CNCA) or five (metrology); a few private labs are suspended, revoked or
// expired, one certification body suspended and one expired, one county metrology
// institution expired, with valid_until before Today exactly when expired.
//
// # Data
//
// The data files in data/ are embedded; the sources are described in
// ../shared/data/README.md:
//
//   - company_name_char_freq.csv: character frequencies by position in about 4.8
//     million Chinese company names, from wainshine/Company-Names-Corpus, file
//     公司名字频统计.xlsx, commit b71e78e9a18f3fad335a45fb2a2d8a4c29e1184e, licence
//     Apache-2.0.
//   - industry_words_compiled.csv and org_form_suffixes_compiled.csv: compiled by hand
//     for qcity (the forms after 企业名称登记管理规定, 2020 revision).
//   - surnames_faker_zh_cn.csv and given_names_faker_zh_cn.csv: from joke2k/faker,
//     file faker/providers/person/zh_CN/__init__.py, commit
//     8ad78a632a4116e6392e6d5743524c683a2e02a1, licence MIT; Faker cites zh.wikipedia
//     中国姓氏排名 for the shares.
//
// Divisions and industries come from the region and industry packages.
package demo
