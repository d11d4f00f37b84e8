"""Handwritten pages of the fictional Ridgeline Coffee Roasters site (the product's own sample crawl).

Each page: path, title, H1, meta description, body text, and the in-content links the site already has as
(anchor, target path) pairs; every anchor stands verbatim in the body. make_sample.py turns this into
Screaming Frog style exports. Guides mention products and other guides by name on purpose, so that a link
suggester has real opportunities to find.
"""

PAGES = [
    dict(path="/", title="Ridgeline Coffee Roasters | Small-Batch Specialty Coffee",
         h1="Freshly roasted specialty coffee from the hills",
         description="Small-batch specialty coffee roasted every week in Ashford Falls. Single origins, "
                     "blends, brewing gear and a coffee subscription delivered to your door.",
         body="Ridgeline Coffee Roasters is a small roastery in Ashford Falls. We buy green coffee from farms "
              "we know by name, roast it in small batches every Tuesday and Thursday, and ship it within two "
              "days of roasting. Nothing sits in a warehouse. Most of what we roast is sold as single origin "
              "coffee, because we think a good lot should taste of the place it was grown. If you are new to "
              "specialty coffee, start with our House Espresso Blend, a chocolatey, forgiving coffee that works "
              "just as well in a moka pot or a French press as it does in an espresso machine. Looking for "
              "something brighter? The Ethiopia Yirgacheffe Kochere is our most loved light roast, full of "
              "jasmine and lemon. Every bag is roasted to order and carries its roast date, so you always know "
              "how fresh your coffee is. Good beans are only half the cup. Our brew guides walk you through "
              "pour-over, French press, cold brew and espresso at home step by step, with the grind size, "
              "brew ratio and water temperature we use ourselves. Never want to run out? A coffee subscription "
              "sends a fresh bag every two or four weeks, and you can pause or skip a delivery any time. You "
              "can also visit our café and roastery on Mill Street, watch a roast, and taste this week's "
              "coffees before you buy a bag.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("Ethiopia Yirgacheffe Kochere", "/shop/single-origin/ethiopia-yirgacheffe-kochere"),
                ("brew guides", "/guides"),
                ("coffee subscription", "/shop/subscriptions"),
                ("visit our café and roastery", "/visit-our-cafe")]),

    dict(path="/about", title="About Us | Ridgeline Coffee Roasters", h1="About Ridgeline Coffee Roasters",
         description="How two friends turned a garage roaster into a small specialty coffee roastery, and "
                     "what we believe about sourcing, roasting and freshness.",
         body="Ridgeline started in 2016 in a garage on Ridge Road, with a second-hand five-kilo drum roaster "
              "and far too much enthusiasm. Maya Okafor had spent eight years as a barista and café manager; "
              "Tom Hale was a schoolteacher who roasted coffee at home in a popcorn machine. Their first "
              "customers were neighbours and the Saturday farmers' market. Today we roast about a tonne of "
              "coffee a month, still in small batches, still on a drum roaster, now in a converted mill "
              "building where we also run our café. We believe three things. First, coffee should be bought "
              "from people, not from a price list: we work with a handful of farms and cooperatives for years "
              "at a time, and you can read about how we choose our farms on our journal. Second, most "
              "specialty coffee is roasted too dark to show where it came from, which is why we roast light "
              "to medium and explain our roast levels plainly. Third, fresh coffee matters more than fancy "
              "equipment. A decent burr grinder and freshly roasted beans will do more for your morning cup "
              "than any expensive machine. Our head roaster, Priya Nair, joined us in 2019 after roasting in "
              "Melbourne and London. She leads our weekly cupping sessions and decides what goes on the menu "
              "each season. If you want to stock our coffee, see our wholesale page.",
         links=[("how we choose our farms", "/blog/how-we-choose-our-farms"),
                ("roast levels", "/guides/understanding-roast-levels"),
                ("Our head roaster, Priya Nair", "/blog/meet-our-head-roaster"),
                ("wholesale page", "/wholesale")]),

    dict(path="/contact", title="Contact | Ridgeline Coffee Roasters", h1="Contact us",
         description="Questions about an order, wholesale or brewing? Write to us or call the roastery.",
         body="We are a small team, but we answer every message ourselves, usually within one working day. "
              "For questions about an order, a delivery or your coffee subscription, email "
              "orders@ridgelinecoffee.example and include your order number so we can find it quickly. For "
              "wholesale enquiries from cafés, restaurants and offices, write to "
              "wholesale@ridgelinecoffee.example; there is more about how we work with businesses on our "
              "wholesale page. If your coffee tastes sour, bitter or simply not how you expected, tell us "
              "what you brewed it with, your grind size and your recipe. Nine times out of ten a small change "
              "fixes it, and our brew guides cover the most common problems. You can also call the roastery "
              "on 01632 960 418 between 9am and 4pm, Monday to Friday. Roast days are Tuesday and Thursday, "
              "so if nobody answers, we are probably standing next to the roaster and will call you back. Our "
              "café is at 14 Mill Street, Ashford Falls, and is open every day except Monday. Before you send "
              "something back, have a look at our shipping and returns policy, which explains what we can "
              "replace and how.",
         links=[("wholesale page", "/wholesale"), ("brew guides", "/guides"),
                ("shipping and returns policy", "/shipping-and-returns")]),

    dict(path="/wholesale", title="Wholesale Coffee for Cafés and Offices | Ridgeline Coffee Roasters",
         h1="Wholesale coffee",
         description="Freshly roasted wholesale coffee for cafés, restaurants and offices, with barista "
                     "training and equipment advice.",
         body="We roast for about forty cafés, restaurants, bakeries and offices across the valley. Wholesale "
              "customers get the same small-batch coffee we sell in our shop, roasted to order and delivered "
              "within three days of roasting. Most cafés start with the House Espresso Blend for milk drinks "
              "and rotate a single origin coffee as a guest espresso or filter option. Offices often choose "
              "the Morning Ridge Breakfast Blend, which holds up well in batch brewers and on a hot plate "
              "longer than it should. Every new café account includes a half-day of barista training at our "
              "roastery: dialling in espresso, steaming milk, cleaning routines and how to taste for under- "
              "and over-extraction. We also help with water, because water for coffee is the most overlooked "
              "part of a café setup, and with grinder choice. Prices depend on volume and delivery frequency. "
              "Orders start at six kilos a week, and we can supply one-kilo or two-kilo bags. We do not lock "
              "you into equipment leases. To talk about a wholesale account, email us or book a tasting at "
              "our café on Mill Street, where we can cup the current menu together.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("Morning Ridge Breakfast Blend", "/shop/blends/morning-ridge-breakfast-blend")]),

    dict(path="/visit-our-cafe", title="Visit Our Café and Roastery | Ridgeline Coffee Roasters",
         h1="Visit our café and roastery",
         description="Our café and roastery at 14 Mill Street, Ashford Falls: opening hours, roast days, "
                     "tastings and how to find us.",
         body="Our café shares a building with the roaster, so on Tuesdays and Thursdays you can sit with a "
              "coffee and watch a batch come out of the drum. The café is open Tuesday to Sunday, 8am to 4pm. "
              "The menu is short on purpose: espresso and milk drinks made with the House Espresso Blend, a "
              "rotating guest espresso, and two single origin coffees on pour-over, changed every couple of "
              "weeks. Ask the barista what is on; they will happily tell you more than you wanted to know. On "
              "the first Saturday of each month we run a free public cupping at 10am. Cupping is how roasters "
              "taste coffee, and it is the quickest way to learn the difference between a washed and a natural "
              "coffee. You can also try cupping at home with our simple guide. The café sells every coffee "
              "from our shop, plus the brewing gear we use ourselves, from the ceramic pour-over dripper to "
              "the gooseneck kettle. Parking is on Mill Street or in the station car park three minutes away. "
              "The building is step-free, and dogs are welcome.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("ceramic pour-over dripper", "/shop/brewing-gear/ceramic-pour-over-dripper")]),

    dict(path="/faq", title="Frequently Asked Questions | Ridgeline Coffee Roasters", h1="FAQ",
         description="Answers about roast dates, whole bean or ground coffee, subscriptions, delivery and "
                     "brewing.",
         body="When was my coffee roasted? Every bag carries its roast date. We roast on Tuesdays and "
              "Thursdays and ship within two days. How long does coffee stay fresh? Whole beans taste best "
              "between one and five weeks after roasting, as long as they are stored well; see our guide to "
              "storing coffee beans. Should I buy whole bean or ground? Whole bean, if you can. Ground coffee "
              "loses its aroma within days. If you do not own a grinder yet, a conical burr hand grinder is "
              "the single best upgrade for your coffee. If you order ground coffee, tell us how you brew and "
              "we will grind for that method, using the settings in our grind size chart. Can I change my "
              "subscription? Yes. You can pause, skip, change the coffee or the frequency of your coffee "
              "subscription from your account page at any time. Is your decaf any good? We think so. Our "
              "Swiss Water Decaf is decaffeinated without chemical solvents and roasted as carefully as "
              "everything else. Why does my espresso taste sour? Usually the grind is too coarse or the shot "
              "runs too fast. Our espresso at home guide explains how to dial in.",
         links=[("storing coffee beans", "/guides/storing-coffee-beans"),
                ("conical burr hand grinder", "/shop/brewing-gear/conical-burr-hand-grinder"),
                ("grind size chart", "/guides/grind-size-chart"),
                ("Swiss Water Decaf", "/shop/blends/swiss-water-decaf"),
                ("espresso at home guide", "/guides/espresso-at-home")]),

    dict(path="/shipping-and-returns", title="Shipping and Returns | Ridgeline Coffee Roasters",
         h1="Shipping and returns",
         description="Delivery times, costs and our returns policy for coffee and brewing equipment.",
         body="We roast on Tuesdays and Thursdays and post orders the same or the next day, so most coffee "
              "arrives within two to four days of roasting. Orders over forty pounds ship free within the "
              "country; smaller orders pay a flat rate of four pounds fifty. Coffee bags fit through most "
              "letterboxes, so you do not need to be at home. Brewing equipment such as a gooseneck kettle or "
              "a French press is sent separately by tracked courier and may take a day longer. Because coffee "
              "is food, we cannot take back opened bags. But if you do not enjoy a coffee, tell us: we would "
              "rather send you something else than have you pour it away, and often a change of recipe helps. "
              "Unopened equipment can be returned within thirty days for a full refund. If something arrives "
              "damaged, send us a photo and we will replace it straight away. Subscription deliveries follow "
              "the same rules, and you can pause your coffee subscription before a holiday so that bags do "
              "not wait on your doormat.",
         links=[("coffee subscription", "/shop/subscriptions")]),

    dict(path="/shop", title="Shop Coffee and Brewing Gear | Ridgeline Coffee Roasters", h1="Shop",
         description="Buy freshly roasted single origin coffee, espresso blends, decaf, subscriptions and "
                     "brewing equipment.",
         body="Everything in our shop is roasted to order in small batches and sent within two days of "
              "roasting. Choose whole bean or ask us to grind for your brewer. Our single origin coffees come "
              "from farms and cooperatives we buy from year after year. They change with the seasons: a new "
              "Kenyan lot arrives in early summer, Colombian and Ethiopian coffees later in the year. Our "
              "blends are built for consistency. The House Espresso Blend is what we pour in our café; the "
              "Morning Ridge Breakfast Blend is a smooth, easy filter coffee for big mugs; and the Swiss Water "
              "Decaf is there for the evening. In brewing gear we only sell things we use every day: a "
              "grinder, drippers, a kettle, a press and a jar for cold brew. If you are not sure where to "
              "start, a coffee subscription lets us choose for you, and the brew guides will help you make "
              "the most of every bag.",
         links=[("single origin coffees", "/shop/single-origin"), ("blends", "/shop/blends"),
                ("brewing gear", "/shop/brewing-gear"), ("coffee subscription", "/shop/subscriptions")]),

    dict(path="/shop/single-origin", title="Single Origin Coffee | Ridgeline Coffee Roasters",
         h1="Single origin coffee",
         description="Seasonal single origin coffees from Ethiopia, Kenya, Colombia, Guatemala and Brazil, "
                     "roasted light to medium.",
         body="A single origin coffee comes from one farm, one washing station or one small region, so it "
              "tastes of that place and that harvest. We roast our single origins light to medium to keep "
              "their character; if you usually drink darker coffee, our guide to understanding roast levels "
              "explains what to expect. This season we have five coffees. The Ethiopia Yirgacheffe Kochere is "
              "floral and citrusy, a classic washed Ethiopian. The Kenya Nyeri Gatomboya is bold and juicy, "
              "with blackcurrant and grapefruit. From Colombia, the Huila El Mirador is sweet and balanced, "
              "with red apple and caramel. The Guatemala Huehuetenango La Esperanza tastes of milk chocolate "
              "and orange. The Brazil Cerrado Natural is heavy, nutty and low in acidity, and makes a "
              "wonderful single origin espresso. All single origins shine on pour-over, but most are just as "
              "good in a French press. Each product page lists the farm, altitude, variety, process and our "
              "recommended recipe.",
         links=[("understanding roast levels", "/guides/understanding-roast-levels"),
                ("Ethiopia Yirgacheffe Kochere", "/shop/single-origin/ethiopia-yirgacheffe-kochere"),
                ("Kenya Nyeri Gatomboya", "/shop/single-origin/kenya-nyeri-gatomboya"),
                ("Huila El Mirador", "/shop/single-origin/colombia-huila-el-mirador"),
                ("Guatemala Huehuetenango La Esperanza",
                 "/shop/single-origin/guatemala-huehuetenango-la-esperanza"),
                ("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural")]),

    dict(path="/shop/blends", title="Coffee Blends | Ridgeline Coffee Roasters", h1="Blends",
         description="Our espresso blend, breakfast blend and Swiss Water decaf: consistent coffees for "
                     "every day.",
         body="Single origins change with the harvest, but some coffees should taste the same every morning. "
              "That is what our blends are for. We build each blend from two or three coffees that complement "
              "each other, and when one component runs out we replace it with a coffee that keeps the same "
              "flavour profile, tasting side by side until we cannot tell the difference. The House Espresso "
              "Blend combines Brazil and Guatemala for chocolate, caramel and a gentle acidity; it is the "
              "espresso we serve in our café and it loves milk. The Morning Ridge Breakfast Blend is lighter "
              "and rounder, designed for filter machines, batch brewers and large mugs. The Swiss Water Decaf "
              "is a single lot from Colombia rather than a blend, but we list it here because most people "
              "drink it every day too. All three work well in a French press, and the espresso blend is a "
              "good choice if you are just learning espresso at home.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("Morning Ridge Breakfast Blend", "/shop/blends/morning-ridge-breakfast-blend"),
                ("Swiss Water Decaf", "/shop/blends/swiss-water-decaf")]),

    dict(path="/shop/brewing-gear", title="Brewing Equipment | Ridgeline Coffee Roasters",
         h1="Brewing gear",
         description="The grinder, dripper, kettle, press and cold brew jar we use ourselves, chosen to "
                     "last.",
         body="We only sell brewing equipment that we use at the roastery or at home, and that we expect to "
              "last for years. If you buy one thing, make it a grinder. Our conical burr hand grinder gives "
              "an even grind for everything from espresso to French press, which matters more for flavour "
              "than any other piece of gear. For pour-over, the ceramic pour-over dripper holds heat well and "
              "is forgiving for beginners; pair it with a gooseneck kettle so you can pour slowly and evenly. "
              "If you prefer a heavier, fuller cup, a classic French press is simple, cheap and hard to get "
              "wrong. In summer, the cold brew jar makes a litre of smooth cold brew concentrate overnight. "
              "Every product page links to the brew guide we wrote for it, with our recipe, grind size and "
              "timings. Everything here is also on the shelf at our café on Mill Street, where the baristas "
              "will happily show you how it works before you buy, and subscribers get ten percent off.",
         links=[("conical burr hand grinder", "/shop/brewing-gear/conical-burr-hand-grinder"),
                ("ceramic pour-over dripper", "/shop/brewing-gear/ceramic-pour-over-dripper"),
                ("gooseneck kettle", "/shop/brewing-gear/gooseneck-kettle"),
                ("French press", "/shop/brewing-gear/french-press"),
                ("cold brew jar", "/shop/brewing-gear/cold-brew-jar")]),

    dict(path="/shop/subscriptions", title="Coffee Subscription | Ridgeline Coffee Roasters",
         h1="Coffee subscription",
         description="Freshly roasted coffee every two or four weeks. Choose your coffee or let our roasters "
                     "surprise you. Pause or cancel any time.",
         body="A coffee subscription is the easiest way to always have fresh coffee at home. Choose how often "
              "you want a bag, every two or four weeks, and what kind of coffee you like. The Roaster's Choice "
              "subscription sends a different single origin coffee each time, picked by our head roaster from "
              "whatever is tasting best that month, with a card that explains where it comes from and how to "
              "brew it. The Steady subscription sends the same coffee every time: most people choose the "
              "House Espresso Blend or the Morning Ridge Breakfast Blend. Subscriptions ship on roast day, so "
              "your coffee arrives within a few days of roasting. You can pause, skip a delivery, change your "
              "coffee or cancel from your account at any time, without phoning anyone. Subscribers get ten "
              "percent off brewing gear and a free place at our monthly public cupping. Not sure how to store "
              "a bag that arrives before the last one is finished? Our guide to storing coffee beans has the "
              "answer: in short, keep it sealed, cool and dark, and do not put it in the fridge.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("Morning Ridge Breakfast Blend", "/shop/blends/morning-ridge-breakfast-blend"),
                ("storing coffee beans", "/guides/storing-coffee-beans")]),

    dict(path="/shop/single-origin/ethiopia-yirgacheffe-kochere",
         title="Ethiopia Yirgacheffe Kochere | Ridgeline Coffee Roasters", h1="Ethiopia Yirgacheffe Kochere",
         description="A floral washed Ethiopian coffee with jasmine, lemon and bergamot. Light roast, "
                     "perfect for pour-over.",
         body="Kochere is a district in the south of the Yirgacheffe region, where coffee grows at around "
              "2,000 metres in small garden plots among false banana trees. This lot comes from about 650 "
              "smallholders who deliver ripe cherries to the Chelelektu washing station. The coffee is washed "
              "and dried on raised beds for twelve days, which gives it the clean, tea-like clarity that "
              "Yirgacheffe is famous for. In the cup we taste jasmine, lemon zest, bergamot and a honey "
              "sweetness that grows as it cools. It is a light roast, so it needs a little more care than a "
              "darker coffee: use water just off the boil and a slightly finer grind than you would for a "
              "medium roast. It is at its best as a pour-over; follow our pour-over brewing guide with a "
              "ratio of 1:16, fifteen grams of coffee to 250 grams of water, and aim for a total brew time of "
              "about three minutes. It also makes a bright, delicate cold brew. If you like this coffee, try "
              "the Kenya Nyeri Gatomboya next for something juicier, or read more about washed and natural "
              "processing to understand why it tastes so clean. Altitude: 1,900 to 2,100 metres. Varieties: "
              "Ethiopian heirloom. Process: washed.",
         links=[("pour-over brewing guide", "/guides/pour-over-brewing-guide"),
                ("Kenya Nyeri Gatomboya", "/shop/single-origin/kenya-nyeri-gatomboya")]),

    dict(path="/shop/single-origin/colombia-huila-el-mirador",
         title="Colombia Huila El Mirador | Ridgeline Coffee Roasters", h1="Colombia Huila El Mirador",
         description="A sweet, balanced Colombian coffee with red apple, caramel and cocoa from the "
                     "Huila mountains.",
         body="El Mirador is a twelve-hectare farm near the town of Pitalito in Huila, run by Luz Marina "
              "Trujillo and her two sons. We first cupped their coffee in 2019 and have bought it every year "
              "since; you can read about our harvest trip to Huila on the journal. The farm grows Caturra and "
              "Colombia varieties at 1,750 metres, picks only ripe cherries in several passes, and ferments "
              "the coffee for thirty-six hours before washing and drying it on covered patios. The result is "
              "a sweet, balanced coffee that tastes of red apple, caramel and cocoa, with a round body. It is "
              "one of the most versatile coffees we roast. It makes an excellent pour-over, a rich French "
              "press and a sweet, gentle espresso. For a French press we use 30 grams of coffee to 500 grams "
              "of water and a coarse grind, steeped for four minutes. If you are not sure which single origin "
              "coffee to try first, start here. Altitude: 1,750 metres. Varieties: Caturra, Colombia. "
              "Process: washed.",
         links=[("harvest trip to Huila", "/blog/harvest-trip-to-huila")]),

    dict(path="/shop/single-origin/kenya-nyeri-gatomboya",
         title="Kenya Nyeri Gatomboya | Ridgeline Coffee Roasters", h1="Kenya Nyeri Gatomboya",
         description="A bold, juicy Kenyan coffee with blackcurrant, grapefruit and tomato-leaf notes, from "
                     "the Gatomboya factory in Nyeri.",
         body="The Gatomboya factory, as Kenyans call a washing station, sits on the slopes of Mount Kenya in "
              "Nyeri county and processes cherries from about 800 members of the Barichu cooperative. Kenyan "
              "coffee is double fermented and soaked in clean water before drying, a careful process that "
              "gives it its intense, juicy acidity. This lot is made up of SL28 and SL34, two varieties bred "
              "in Kenya in the 1930s and prized for their flavour. Expect blackcurrant, pink grapefruit and a "
              "savoury tomato-leaf note, with a syrupy body. It is not a subtle coffee, and that is the point. "
              "Kenyan coffees can taste sharp if brewed too fast, so grind a touch finer than usual for "
              "pour-over and keep the brew time near three and a half minutes. It also makes a striking iced "
              "coffee. We wrote about how this lot reached us in our post on the new Kenya lot, which has "
              "just landed. Altitude: 1,700 to 1,850 metres. Varieties: SL28, SL34. Process: washed.",
         links=[("new Kenya lot", "/blog/new-kenya-lot-has-landed")]),

    dict(path="/shop/single-origin/guatemala-huehuetenango-la-esperanza",
         title="Guatemala Huehuetenango La Esperanza | Ridgeline Coffee Roasters",
         h1="Guatemala Huehuetenango La Esperanza",
         description="Milk chocolate, orange and almond from a family farm in the highlands of "
                     "Huehuetenango, Guatemala.",
         body="La Esperanza is a family farm in the highlands of Huehuetenango, close to the Mexican border, "
              "where dry, warm winds from the lowlands protect the coffee from frost and allow it to grow at "
              "over 1,800 metres. The Recinos family grow Bourbon and Caturra, pick by hand, and dry their "
              "washed coffee slowly on patios. It is a comforting coffee: milk chocolate and orange at first, "
              "then almond and brown sugar as it cools. Because it is so balanced, it is the backbone of our "
              "House Espresso Blend, but we also sell it on its own for those who want it straight. As a "
              "filter coffee it is round and sweet; in a French press it gets heavier and more chocolatey. "
              "It is a great coffee for people moving from supermarket coffee to specialty coffee, because "
              "there is nothing surprising about it, only more flavour than you expect. Altitude: 1,800 to "
              "1,950 metres. Varieties: Bourbon, Caturra. Process: washed.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend")]),

    dict(path="/shop/single-origin/brazil-cerrado-natural",
         title="Brazil Cerrado Natural | Ridgeline Coffee Roasters", h1="Brazil Cerrado Natural",
         description="A heavy, nutty natural process coffee from Brazil's Cerrado Mineiro with low "
                     "acidity. Great as espresso.",
         body="The Cerrado Mineiro is a high plateau in Minas Gerais with a dry season so reliable that "
              "farmers can dry whole cherries in the sun without fear of rain. That is the natural process: "
              "the coffee seed dries inside the fruit, picking up sweetness and body. This lot comes from "
              "Fazenda Boa Vista, a mechanised but carefully managed farm that sorts its cherries by ripeness "
              "before drying. Expect roasted hazelnut, dark chocolate and dried fruit, a heavy body and very "
              "little acidity. If you find light roast coffees too sour, this is the coffee for you. It is "
              "one of the two components of the House Espresso Blend and a lovely single origin espresso on "
              "its own; our espresso at home guide uses it as the example coffee. In a moka pot or French "
              "press it is thick and sweet. It also makes a smooth, chocolatey cold brew with almost no "
              "bitterness. Altitude: 1,100 metres. Varieties: Yellow Catuai, Mundo Novo. Process: natural.",
         links=[("espresso at home guide", "/guides/espresso-at-home")]),

    dict(path="/shop/blends/house-espresso-blend", title="House Espresso Blend | Ridgeline Coffee Roasters",
         h1="House Espresso Blend",
         description="Our café espresso: Brazil and Guatemala for chocolate, caramel and a gentle acidity. "
                     "Loves milk.",
         body="The House Espresso Blend is the coffee we pour most at our café, and the one most of our "
              "wholesale customers use for milk drinks. It combines the Brazil Cerrado Natural, for body and "
              "nutty sweetness, with the Guatemala Huehuetenango La Esperanza, for chocolate and a little "
              "orange brightness. We roast it a shade darker than our single origins, to medium, so it is "
              "forgiving to dial in and cuts through milk without tasting burnt. As a straight espresso it "
              "tastes of dark chocolate, caramel and toasted almond. In a flat white or cappuccino it turns "
              "into chocolate milk for grown-ups. Our recipe is 18 grams in, 38 grams out, in 28 to 32 "
              "seconds; our espresso at home guide explains how to adjust from there. It also works "
              "surprisingly well as a filter coffee or in a French press, and many people brew it in a moka "
              "pot. Rest the beans for at least a week after roasting before using them for espresso; "
              "fresher than that and the shots can be gassy and uneven.",
         links=[("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural"),
                ("espresso at home guide", "/guides/espresso-at-home")]),

    dict(path="/shop/blends/morning-ridge-breakfast-blend",
         title="Morning Ridge Breakfast Blend | Ridgeline Coffee Roasters", h1="Morning Ridge Breakfast Blend",
         description="A smooth, easy filter coffee for big mugs and batch brewers, with toffee and stone "
                     "fruit.",
         body="Morning Ridge is the coffee we drink at the kitchen table. It is a blend of a washed Colombian "
              "coffee and a washed Guatemalan, roasted to a light medium for a smooth, sweet cup with toffee, "
              "stone fruit and a clean finish. It is designed for filter machines, batch brewers and big mugs, "
              "and it stays pleasant on a warming plate for longer than most coffees. With milk, it tastes of "
              "biscuits. Brew it at a ratio of 1:16 for a standard cup, or a little stronger at 1:15 if you "
              "add milk; our coffee-to-water ratio guide explains how to scale a recipe from one cup to a "
              "full carafe. It works in a French press too. Many offices we supply choose this blend because "
              "it suits everyone, from people who take their coffee black to those who add sugar and milk. "
              "It is also one of the two coffees offered in the Steady coffee subscription.",
         links=[("coffee-to-water ratio guide", "/guides/coffee-to-water-ratio"),
                ("coffee subscription", "/shop/subscriptions")]),

    dict(path="/shop/blends/swiss-water-decaf", title="Swiss Water Decaf | Ridgeline Coffee Roasters",
         h1="Swiss Water Decaf",
         description="A Colombian decaf, decaffeinated with water alone, roasted as carefully as our other "
                     "coffees.",
         body="Decaf has a bad reputation, mostly because roasters often use old coffee for it and roast it "
              "dark to hide that. Ours is different. It starts as a fresh washed Colombian coffee from Huila "
              "and is decaffeinated in Canada by the Swiss Water process, which uses only water, temperature "
              "and time to remove 99.9 percent of the caffeine. No chemical solvents are involved. We roast it "
              "to medium, like our espresso blend, which brings out milk chocolate, cherry and a soft, round "
              "body. Decaffeinated coffee is more porous than regular coffee and goes stale faster, so buy "
              "smaller bags and store them well. It brews beautifully as espresso and in a French press, and "
              "it holds its own in milk. For espresso use a slightly coarser grind than for the House Espresso "
              "Blend, since decaf extracts quickly. If your evening cup should taste like a morning cup, this "
              "is the one.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend")]),

    dict(path="/shop/brewing-gear/conical-burr-hand-grinder",
         title="Conical Burr Hand Grinder | Ridgeline Coffee Roasters", h1="Conical burr hand grinder",
         description="A stainless steel conical burr hand grinder with 40 click settings, from espresso to "
                     "French press.",
         body="If you buy one piece of coffee equipment, make it a good grinder. Blade grinders chop beans "
              "into a mix of dust and boulders, which brew at different speeds and make coffee taste both "
              "bitter and sour at once. A burr grinder crushes beans between two rings of teeth to an even "
              "size, so every particle extracts at the same rate. This hand grinder has stainless steel "
              "conical burrs, a solid aluminium body and forty click settings, fine enough for espresso and "
              "coarse enough for French press and cold brew. It grinds twenty grams for a pour-over in about "
              "forty seconds. Our grind size chart lists the click setting we use for each brewing method, "
              "which is the easiest way to start. It is quiet, needs no power, and fits in a bag if you travel. "
              "To clean it, brush the burrs once a month; never wash them with water. It comes with a "
              "two-year warranty, and we stock spare parts.",
         links=[("grind size chart", "/guides/grind-size-chart")]),

    dict(path="/shop/brewing-gear/ceramic-pour-over-dripper",
         title="Ceramic Pour-Over Dripper | Ridgeline Coffee Roasters", h1="Ceramic pour-over dripper",
         description="A cone-shaped ceramic dripper for one or two cups of clean, bright filter coffee.",
         body="This is the dripper we use on the bar at our café. It is a cone-shaped ceramic dripper with "
              "spiral ribs inside and a single large hole at the bottom, so the flow rate depends on your "
              "grind and your pour, not on the dripper. Ceramic holds heat well once it is warmed, which keeps "
              "the brewing temperature stable, especially for light roasts. It makes one or two cups at a "
              "time, up to about 500 grams of water, and uses standard size 02 cone filters. A pour-over "
              "rewards a little attention: pour slowly in circles with a gooseneck kettle and you will get a "
              "clean, bright cup that shows off the character of a single origin coffee. Our pour-over "
              "brewing guide takes you through it step by step, from rinsing the paper filter to the bloom. "
              "If you are brewing for a crowd, use two drippers side by side rather than overfilling one, "
              "because a deeper coffee bed drains slowly and over-extracts. Dishwasher safe. Available in "
              "white and charcoal.",
         links=[("gooseneck kettle", "/shop/brewing-gear/gooseneck-kettle"),
                ("pour-over brewing guide", "/guides/pour-over-brewing-guide")]),

    dict(path="/shop/brewing-gear/gooseneck-kettle", title="Gooseneck Kettle | Ridgeline Coffee Roasters",
         h1="Gooseneck kettle",
         description="A one-litre stainless steel gooseneck kettle with a built-in thermometer, for precise "
                     "pour-over brewing.",
         body="A gooseneck kettle has a long, thin spout that lets you pour a slow, steady stream exactly "
              "where you want it. For pour-over brewing that control matters: pour too fast and the water "
              "rushes through channels in the coffee bed; pour too slowly in one spot and you dig a hole. This "
              "kettle holds one litre, works on gas, electric and induction hobs, and has a thermometer in the "
              "lid so you can check the water temperature before you pour. For light roasts we brew at 94 to "
              "96 degrees; for darker roasts, a little cooler. Our guide on water for coffee explains why the "
              "temperature and the water itself both matter. The handle stays cool, and the kettle is made "
              "from brushed stainless steel that will not rust. Pair it with the ceramic pour-over dripper "
              "and a scale and you have everything you need for café-quality filter coffee at home.",
         links=[("ceramic pour-over dripper", "/shop/brewing-gear/ceramic-pour-over-dripper")]),

    dict(path="/shop/brewing-gear/french-press", title="French Press | Ridgeline Coffee Roasters",
         h1="French press",
         description="A double-walled stainless steel French press for rich, full-bodied coffee. Makes "
                     "four cups.",
         body="The French press is the simplest way to make good coffee: coarse grounds, hot water, four "
              "minutes, press. Because a metal filter lets the coffee's oils and fine particles through, a "
              "French press makes a heavier, richer cup than paper filters, which suits chocolatey, nutty "
              "coffees like the Brazil Cerrado Natural or the Colombia Huila El Mirador. This press is double "
              "walled stainless steel, so it keeps coffee hot for longer and will not break if you knock it "
              "over. It holds one litre, enough for four cups. The mesh filter comes apart for cleaning. Our "
              "French press guide has the recipe we use: 30 grams of coffee, 500 grams of water, a coarse "
              "grind, four minutes of steeping, and a gentle press. The trick most people miss is to pour "
              "all the coffee out once it is pressed, because leaving it on the grounds keeps it brewing and "
              "makes it bitter. It is also a good vessel for a small batch of cold brew.",
         links=[("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural"),
                ("French press guide", "/guides/french-press-guide")]),

    dict(path="/shop/brewing-gear/digital-coffee-scale",
         title="Digital Coffee Scale with Timer | Ridgeline Coffee Roasters", h1="Digital coffee scale",
         description="A 0.1 gram coffee scale with a built-in timer, for repeatable pour-over and espresso.",
         body="Measuring coffee with a scoop is guesswork: a scoop of a light roast weighs more than a scoop "
              "of a dark roast, and a heaped scoop can be half as much again as a level one. A scale takes "
              "the guessing out. This digital coffee scale weighs to a tenth of a gram, up to two kilos, and "
              "has a timer built into the display so you can watch the weight and the brew time at the same "
              "time. It is small enough to fit under an espresso machine's drip tray, and the silicone pad on "
              "top protects it from hot water and spills. With a scale you can follow any recipe exactly, "
              "whether it is a 1:16 brew ratio for pour-over or an 18-gram espresso dose, and when a cup "
              "tastes great you can repeat it the next morning. It charges by USB and a charge lasts about a "
              "month of daily brewing. If you are not sure which ratio to use, our coffee-to-water ratio guide "
              "explains how to choose one.",
         links=[("coffee-to-water ratio guide", "/guides/coffee-to-water-ratio")]),

    dict(path="/shop/brewing-gear/cold-brew-jar", title="Cold Brew Jar | Ridgeline Coffee Roasters",
         h1="Cold brew jar",
         description="A glass cold brew jar with a fine mesh filter: a litre of smooth cold brew "
                     "concentrate overnight.",
         body="Cold brew is coffee steeped in cold water for twelve to eighteen hours. The long, cool "
              "extraction pulls out sweetness and body but leaves behind much of the acidity and bitterness, "
              "which is why cold brew tastes so smooth. This jar makes it easy: put coarse grounds in the "
              "stainless steel mesh filter, fill the jar with cold water, leave it in the fridge overnight, "
              "and lift the filter out in the morning. It holds a litre and makes a concentrate you dilute "
              "with water or milk over ice. The glass is thick borosilicate, and the lid seals tightly, so "
              "the cold brew keeps for up to a week in the fridge. Our cold brew guide has the recipe and "
              "ratio we use, along with our favourite coffees for it. Chocolatey coffees like the Brazil "
              "Cerrado Natural make a classic cold brew; a floral Ethiopian makes a surprising, tea-like one.",
         links=[("cold brew guide", "/guides/cold-brew-guide"),
                ("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural")]),

    dict(path="/guides", title="Brew Guides | Ridgeline Coffee Roasters", h1="Brew guides",
         description="Step-by-step coffee brewing guides: pour-over, French press, espresso, cold brew, "
                     "grind size, ratios and storage.",
         body="Good coffee at home is mostly about a few simple habits: fresh beans, an even grind, the right "
              "amount of coffee for your water, and water at the right temperature. Our brew guides explain "
              "how we brew at the roastery, with recipes you can follow exactly and advice for fixing a cup "
              "that tastes wrong. If you are just starting out, read the French press guide first; it is the "
              "most forgiving method there is. When you want more clarity in the cup, move on to our "
              "pour-over brewing guide. If you have a machine, the espresso at home guide explains how to dial "
              "in a new coffee. In summer, try our cold brew guide. Whatever you brew with, keep the grind size "
              "chart and the coffee-to-water ratio guide handy, and read our notes on storing coffee beans so "
              "your coffee stays fresh until the last cup. For a deeper understanding of how coffee tastes, "
              "our guide to understanding roast levels explains light, medium and dark roasts.",
         links=[("French press guide", "/guides/french-press-guide"),
                ("pour-over brewing guide", "/guides/pour-over-brewing-guide"),
                ("espresso at home guide", "/guides/espresso-at-home"),
                ("cold brew guide", "/guides/cold-brew-guide"),
                ("grind size chart", "/guides/grind-size-chart"),
                ("coffee-to-water ratio guide", "/guides/coffee-to-water-ratio"),
                ("storing coffee beans", "/guides/storing-coffee-beans"),
                ("understanding roast levels", "/guides/understanding-roast-levels")]),

    dict(path="/guides/pour-over-brewing-guide", title="Pour-Over Brewing Guide | Ridgeline Coffee Roasters",
         h1="How to brew pour-over coffee",
         description="Our step-by-step pour-over recipe: 15 grams of coffee, 250 grams of water, a bloom "
                     "and three slow pours.",
         body="Pour-over coffee is clean, bright and shows off everything a good single origin coffee has to "
              "offer. You need a dripper and a paper filter, a kettle, a scale and freshly ground coffee. A "
              "ceramic pour-over dripper and a gooseneck kettle make it easier, but they are not essential. "
              "Our recipe for one cup is 15 grams of coffee to 250 grams of water, a brew ratio of 1:16. "
              "Grind medium-fine, about like table salt; the grind size chart gives the exact setting for "
              "our hand grinder. Heat the water to 94 to 96 degrees for a light roast. Rinse the paper filter "
              "with hot water, which removes the papery taste and warms the dripper, then add the coffee and "
              "level the bed. Pour about 40 grams of water, enough to wet all the grounds, and wait 40 "
              "seconds: this is the bloom, when trapped gas escapes. Then pour the rest in three slow, "
              "circular pours, keeping the water level steady. The coffee should finish draining at around "
              "three minutes. If it tastes sour and thin, grind finer; if it tastes bitter and dry, grind "
              "coarser. Try it with the Ethiopia Yirgacheffe Kochere for a floral, tea-like cup.",
         links=[("ceramic pour-over dripper", "/shop/brewing-gear/ceramic-pour-over-dripper"),
                ("gooseneck kettle", "/shop/brewing-gear/gooseneck-kettle"),
                ("grind size chart", "/guides/grind-size-chart"),
                ("Ethiopia Yirgacheffe Kochere", "/shop/single-origin/ethiopia-yirgacheffe-kochere")]),

    dict(path="/guides/french-press-guide", title="French Press Guide | Ridgeline Coffee Roasters",
         h1="How to make French press coffee",
         description="The easiest way to make rich, full-bodied coffee: our French press recipe and the "
                     "mistakes to avoid.",
         body="The French press is where most people start, and for good reason. There is no pouring "
              "technique to learn and very little that can go wrong. Our recipe is 30 grams of coffee to 500 "
              "grams of water, a ratio of about 1:16, for two large mugs. Grind coarse, like sea salt; a fine "
              "grind clogs the filter and makes the coffee muddy and bitter. The grind size chart shows the "
              "right setting for a burr grinder. Pour water just off the boil over the grounds, make sure "
              "they are all wet, and put the lid on without pressing. After four minutes, stir the crust on "
              "top with a spoon and scoop off the foam and floating bits. Then press the plunger slowly and "
              "pour all the coffee out straight away, so it stops brewing. For an even cleaner cup, wait five "
              "more minutes before pressing, letting the fine particles sink. Chocolatey, heavy coffees suit "
              "this method best: try the Colombia Huila El Mirador or the House Espresso Blend. Our double "
              "walled French press keeps the coffee hot while it brews.",
         links=[("grind size chart", "/guides/grind-size-chart"),
                ("Colombia Huila El Mirador", "/shop/single-origin/colombia-huila-el-mirador"),
                ("House Espresso Blend", "/shop/blends/house-espresso-blend")]),

    dict(path="/guides/espresso-at-home", title="Espresso at Home: How to Dial In | Ridgeline Coffee Roasters",
         h1="Espresso at home",
         description="How to dial in espresso at home: dose, yield, time, and what to change when a shot "
                     "tastes sour or bitter.",
         body="Espresso is the most demanding way to brew coffee, because small changes make a big "
              "difference. Dialling in means adjusting the grind until a coffee tastes right on your machine. "
              "Start with a recipe: we use 18 grams of ground coffee in, 38 grams of espresso out, in 28 to 32 "
              "seconds. Weigh both the dose and the shot, because timing alone tells you little. If the shot "
              "runs fast and tastes sour, grind finer. If it runs slowly and tastes bitter or harsh, grind "
              "coarser. Change one thing at a time, and taste every shot. The grinder matters more than the "
              "machine: you need a burr grinder that can make small adjustments. Fresh beans matter too, but "
              "not too fresh; rest espresso coffee for one to three weeks after roasting. The House Espresso "
              "Blend is the easiest coffee to learn with, because it tastes good across a wide range of "
              "recipes. Once you are comfortable, try a single origin espresso such as the Brazil Cerrado "
              "Natural. Water also affects espresso a lot; very hard water tastes flat and damages machines. "
              "For milk drinks, steam the milk to about 60 degrees, no hotter, so it stays sweet.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural")]),

    dict(path="/guides/cold-brew-guide", title="Cold Brew Guide | Ridgeline Coffee Roasters",
         h1="How to make cold brew coffee",
         description="Smooth, sweet cold brew coffee at home: our overnight recipe, ratio and the best "
                     "coffees to use.",
         body="Cold brew is the easiest summer coffee there is. Instead of hot water and a few minutes, it "
              "uses cold water and a long steep, which gives a smooth, sweet, low-acid coffee that keeps in "
              "the fridge for a week. Our recipe makes a concentrate: 100 grams of coarsely ground coffee to "
              "one litre of cold, filtered water, a ratio of 1:10. Stir well so all the grounds are wet, cover, "
              "and leave in the fridge for fourteen to sixteen hours. Then strain through a fine mesh or a "
              "paper filter. Serve it diluted one to one with water or milk over plenty of ice. A cold brew "
              "jar with a built-in filter makes this tidy, but a large jar and a sieve work too, as does a "
              "French press. Use a coarse grind, about the same as for French press; the grind size chart "
              "has the setting. Chocolatey, low-acid coffees like the Brazil Cerrado Natural make classic cold "
              "brew. For something more unusual, try the Ethiopia Yirgacheffe Kochere, which turns into "
              "something like iced tea with lemon.",
         links=[("cold brew jar", "/shop/brewing-gear/cold-brew-jar"),
                ("grind size chart", "/guides/grind-size-chart"),
                ("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural")]),

    dict(path="/guides/grind-size-chart", title="Coffee Grind Size Chart | Ridgeline Coffee Roasters",
         h1="Grind size chart",
         description="Which grind size to use for espresso, pour-over, French press and cold brew, with "
                     "settings for our hand grinder.",
         body="Grind size controls how fast water extracts flavour from coffee. Finer grounds have more "
              "surface and extract faster; coarser grounds extract more slowly. Each brewing method needs a "
              "grind that matches its brew time, so that the coffee is neither under-extracted, sour and "
              "thin, nor over-extracted, bitter and dry. For espresso, grind very fine, like flour with a "
              "little grit: clicks 6 to 10 on our conical burr hand grinder. For a moka pot, fine, like "
              "caster sugar: clicks 12 to 14. For pour-over, medium-fine, like table salt: clicks 18 to 22. "
              "For a batch brewer or filter machine, medium: clicks 22 to 25. For French press, coarse, like "
              "sea salt: clicks 28 to 32. For cold brew, very coarse: clicks 32 to 36. These are starting "
              "points. Light roasts are denser and often need a slightly finer grind; dark roasts, slightly "
              "coarser. Let taste decide. A blade grinder cannot give you an even grind at any setting, which "
              "is why every one of our brew guides recommends a burr grinder.",
         links=[("conical burr hand grinder", "/shop/brewing-gear/conical-burr-hand-grinder")]),

    dict(path="/guides/storing-coffee-beans", title="How to Store Coffee Beans | Ridgeline Coffee Roasters",
         h1="Storing coffee beans",
         description="How to keep coffee fresh: air, light, heat and moisture, why the fridge is a bad idea, "
                     "and when freezing works.",
         body="Roasted coffee is at its best for a few weeks. After that it slowly loses aroma and starts to "
              "taste flat and papery. Four things speed that up: air, light, heat and moisture. Our bags have "
              "a one-way valve, which lets carbon dioxide out without letting air in, and a zip seal, so the "
              "simplest thing is to squeeze out the air, close the bag and keep it in a cupboard away from the "
              "oven. Do not keep coffee in the fridge: it absorbs smells, and every time you take it out, "
              "moisture condenses on the beans. The freezer is different. If you buy more than you can drink "
              "in a month, divide it into airtight portions and freeze them; take out one portion at a time "
              "and do not refreeze it. Buy whole beans and grind just before brewing, because ground coffee "
              "loses most of its aroma within a day. Finally, do not drink coffee too fresh: beans need a few "
              "days after roasting to release gas. For filter we start after three days, for espresso after "
              "a week. A coffee subscription timed to how much you drink is the easiest way to always have "
              "beans at their best.",
         links=[("coffee subscription", "/shop/subscriptions")]),

    dict(path="/guides/water-for-coffee", title="Water for Coffee | Ridgeline Coffee Roasters",
         h1="Water for coffee",
         description="Coffee is 98 percent water. How hardness and temperature change the taste of your "
                     "coffee, and simple fixes.",
         body="A cup of filter coffee is about 98 percent water, so the water you use changes the taste more "
              "than most people expect. Very hard water, common in chalky areas, makes coffee taste flat and "
              "chalky and leaves scale in kettles and espresso machines. Very soft or distilled water makes "
              "coffee taste sharp and hollow, because minerals such as magnesium help extract flavour. The "
              "best water for coffee is moderately soft and clean-tasting. If your tap water tastes of "
              "chlorine or leaves scale, a simple jug filter improves it a lot. Some of our wholesale cafés "
              "use bottled water with a low mineral content, which is a fair test if you want to know how "
              "much your water matters: brew the same coffee with tap and bottled water side by side and "
              "taste the difference. Temperature matters too. For light roasts, brew with water between 94 "
              "and 96 degrees, just off the boil; for darker roasts and the House Espresso Blend in a French "
              "press, 90 to 93 degrees avoids harsh, bitter notes. A gooseneck kettle with a thermometer "
              "makes this easy. Whatever you do, never use water that has been boiled again and again; it "
              "tastes stale.",
         links=[]),

    dict(path="/guides/coffee-to-water-ratio", title="Coffee to Water Ratio Guide | Ridgeline Coffee Roasters",
         h1="Coffee-to-water ratio",
         description="How much coffee to use: brew ratios for filter, French press, espresso and cold brew, "
                     "and how to scale a recipe.",
         body="The brew ratio is the weight of coffee compared with the weight of water. It decides how "
              "strong your coffee is, and it is the first thing to check when a cup tastes weak or too "
              "intense. For filter coffee, pour-over and French press we start at 1:16: one gram of coffee "
              "for every sixteen grams of water, or 15 grams for a 250 gram cup. If you like it stronger, try "
              "1:15; lighter, 1:17. For espresso the ratio is written the other way round, dose to yield, and "
              "we use about 1:2, such as 18 grams in and 38 grams out. Cold brew concentrate uses 1:10 and is "
              "diluted afterwards. Because a ratio does not depend on the size of the batch, scaling is easy: "
              "for a litre of filter coffee, use about 62 grams of coffee. Measure by weight, not volume, "
              "since a scoop holds different amounts of different coffees. A kitchen scale works, but a "
              "coffee scale with a timer is easier. Ratio is one side of the story; grind size is the other, "
              "and our grind size chart explains how they work together.",
         links=[("grind size chart", "/guides/grind-size-chart")]),

    dict(path="/guides/understanding-roast-levels", title="Understanding Roast Levels | Ridgeline Coffee Roasters",
         h1="Understanding roast levels",
         description="What light, medium and dark roast mean for flavour, acidity and brewing, and why we "
                     "roast light to medium.",
         body="Roasting turns hard, grassy green coffee into the brown, aromatic beans we brew. The longer "
              "and hotter the roast, the more the coffee's own flavours give way to the flavours of roasting. "
              "A light roast keeps the most of the origin: fruit, flowers, acidity and sweetness. It is dense, "
              "extracts more slowly, and rewards hotter water and a slightly finer grind. A medium roast "
              "balances origin and roast, with more caramel and chocolate, a rounder body and softer acidity; "
              "our House Espresso Blend is roasted here. A dark roast is bitter-sweet and smoky, with little "
              "left of where the coffee came from. Roast level and quality are different things. A great "
              "coffee can be roasted dark, and a poor coffee roasted light still tastes poor. We roast most of "
              "our coffees light to medium because we pay a lot for coffees with distinct flavours and want "
              "you to taste them. Our head roaster explains the thinking in why we roast light. If you find "
              "light roasts too sour, it is often a brewing problem: try a finer grind, or start with a "
              "naturally sweet coffee like the Brazil Cerrado Natural.",
         links=[("House Espresso Blend", "/shop/blends/house-espresso-blend"),
                ("why we roast light", "/blog/why-we-roast-light"),
                ("Brazil Cerrado Natural", "/shop/single-origin/brazil-cerrado-natural")]),

    dict(path="/guides/washed-vs-natural-processing",
         title="Washed vs Natural Coffee Processing | Ridgeline Coffee Roasters",
         h1="Washed and natural processing",
         description="How coffee cherries become green coffee, and how washed, natural and honey processing "
                     "change the taste in your cup.",
         body="Coffee beans are the seeds of a fruit, the coffee cherry. Before they can be roasted, the fruit "
              "has to be removed and the seeds dried, and how that happens, called processing, changes the "
              "taste as much as the variety or the altitude. In the washed process, the skin and most of the "
              "fruit are stripped off soon after picking, the sticky layer left on the seed is loosened by "
              "fermentation, and the seeds are washed clean and dried. Washed coffees taste clean, bright and "
              "transparent; the Ethiopia Yirgacheffe Kochere and the Kenya Nyeri Gatomboya are classic "
              "examples. In the natural process, whole cherries are dried in the sun for several weeks before "
              "the dry fruit is removed. The seed absorbs sweetness from the fruit, giving a heavier body, "
              "lower acidity and flavours of dried fruit, chocolate and sometimes wine. Our Brazil Cerrado "
              "Natural is a natural. Honey processing sits in between: the skin is removed but some of the "
              "sticky fruit is left to dry on the seed. None of these is better than the others. The best way "
              "to learn the difference is to taste a washed and a natural coffee side by side, which is "
              "exactly what a cupping session is for.",
         links=[]),

    dict(path="/blog", title="Journal | Ridgeline Coffee Roasters", h1="The Ridgeline journal",
         description="News from the roastery: farm visits, new coffees, roasting notes and the people "
                     "behind our coffee.",
         body="Our journal is where we write about the things that do not fit on a product page: trips to "
              "the farms we buy from, why we roast the way we do, new coffees as they arrive, and the people "
              "who make Ridgeline work. Most recently, our harvest trip to Huila took us to El Mirador, where "
              "we have bought coffee since 2019. Our head roaster wrote about why we roast light, and what "
              "that means for how you brew. In our series on sourcing, we explain how we choose our farms and "
              "what we pay for the coffee. And the new Kenya lot has landed: the Gatomboya is back, and it is "
              "the best we have tasted from them. If you want to meet the team, read our interview with Priya "
              "Nair, or come to a public cupping on the first Saturday of the month. Older posts, among them our "
              "notes on why decaf deserves better and a short guide to cupping at home, are in the archive.",
         links=[("harvest trip to Huila", "/blog/harvest-trip-to-huila"),
                ("why we roast light", "/blog/why-we-roast-light"),
                ("how we choose our farms", "/blog/how-we-choose-our-farms"),
                ("new Kenya lot has landed", "/blog/new-kenya-lot-has-landed"),
                ("interview with Priya Nair", "/blog/meet-our-head-roaster")]),

    dict(path="/blog/harvest-trip-to-huila", title="Our Harvest Trip to Huila | Ridgeline Coffee Roasters",
         h1="A harvest trip to Huila",
         description="Ten days in Colombia's Huila department with the Trujillo family at El Mirador, "
                     "picking, cupping and planning next year's harvest.",
         body="In June, Maya and Priya spent ten days in Huila, in the south of Colombia, during the main "
              "harvest. Most of the time was spent at El Mirador, the Trujillo family's farm near Pitalito. "
              "We picked with the team for two mornings, which is the best way to understand how much work "
              "goes into every bag: pickers pass each tree several times, taking only the ripe red cherries. "
              "In the afternoons we cupped lots from the farm's different plots with Luz Marina and her sons, "
              "and talked about the fermentation trials they started last year. One plot of Pink Bourbon "
              "stood out, with flavours of watermelon and hibiscus, and we have agreed to buy all of it next "
              "year. We also visited the washing station that prepares our Swiss Water Decaf's green coffee "
              "before it travels to Canada. The Colombia Huila El Mirador from this harvest will arrive in "
              "October. Until then, the current lot is still tasting wonderful as a pour-over or in a French "
              "press. Thank you to the Trujillo family for their hospitality, and to everyone at the "
              "cooperative for the long conversations about prices, weather and football.",
         links=[("Colombia Huila El Mirador", "/shop/single-origin/colombia-huila-el-mirador")]),

    dict(path="/blog/why-we-roast-light", title="Why We Roast Light | Ridgeline Coffee Roasters",
         h1="Why we roast light",
         description="Our head roaster on why we roast light to medium, what that means for flavour, and "
                     "how to brew light roasts well.",
         body="People often ask why our coffee tastes so different from what they are used to. The short "
              "answer is that we roast lighter than most. When we buy a coffee, we are paying for the "
              "flavours its farmers worked to create: the jasmine of a washed Ethiopian, the blackcurrant of "
              "a Kenyan, the red apple of a Colombian. Every minute of extra roasting replaces a little of "
              "that with the generic taste of roasting, smoke and bitterness. So we stop early, at a light or "
              "medium roast, where the coffee tastes most like itself. Light roasting is not a shortcut. A "
              "light roast that is underdeveloped tastes grassy and sour, so we roast slowly enough to "
              "caramelise the sugars and test every batch at our weekly cupping. Light roasts do ask a little "
              "more of your brewing: hotter water, a slightly finer grind, and a scale. Our guide to "
              "understanding roast levels explains the differences, and the grind size chart gives starting "
              "settings. If you try a light roast and find it sour, please tell us before giving up on it; "
              "usually a finer grind solves it.",
         links=[("understanding roast levels", "/guides/understanding-roast-levels"),
                ("grind size chart", "/guides/grind-size-chart")]),

    dict(path="/blog/meet-our-head-roaster", title="Meet Our Head Roaster, Priya Nair | Ridgeline Coffee Roasters",
         h1="Meet our head roaster",
         description="Priya Nair on learning to roast in Melbourne, her weekly cupping routine and the "
                     "coffee she drinks at home.",
         body="Priya Nair joined Ridgeline in 2019, after eight years roasting in Melbourne and London. We "
              "asked her about her work. How did you start roasting? By accident. I was a barista in "
              "Melbourne, the roaster next door needed someone to bag coffee, and I never left. What does a "
              "roast day look like? I start at six, warm up the roaster, and roast the week's orders in the "
              "order they ship. Every batch is logged, and samples from each roast go to Thursday's cupping. "
              "What is cupping? It is how roasters taste coffee: ground coffee, hot water, and a spoon. It "
              "removes brewing from the equation so we can compare coffees fairly. Anyone can try cupping at "
              "home. Which coffee are you most proud of? The Kenya Nyeri Gatomboya. Kenyan coffee is easy to "
              "roast badly, and this one took me a season to get right. What do you drink at home? A "
              "pour-over in the morning, usually whatever is new, and a decaf espresso after dinner. Any "
              "advice for home brewers? Buy a good grinder before you buy a machine, and trust your taste "
              "over any recipe.",
         links=[("Kenya Nyeri Gatomboya", "/shop/single-origin/kenya-nyeri-gatomboya")]),

    dict(path="/blog/decaf-done-right", title="Decaf Done Right | Ridgeline Coffee Roasters",
         h1="Decaf done right",
         description="Why most decaf tastes bad, how the Swiss Water process works, and how we choose and "
                     "roast our decaf.",
         body="About one in ten of the cups served at our café is decaf, and yet most decaf coffee is an "
              "afterthought. Roasters often decaffeinate old green coffee that could not be sold otherwise, "
              "then roast it dark to cover the taste. We think people who drink decaf deserve better. Our "
              "Swiss Water Decaf starts as a fresh, good-quality washed Colombian coffee from Huila, the same "
              "region as El Mirador. It is soaked in water saturated with everything that is in green coffee "
              "except caffeine, so only the caffeine moves out of the beans, and the caffeine is then caught "
              "by carbon filters. No solvents are used at any stage. Decaffeinated beans are paler and more "
              "porous than regular beans, which makes them roast faster and go stale sooner. We roast them "
              "more gently, to a medium roast, and recommend buying small bags. At home, use a slightly "
              "coarser grind than usual for espresso. In a French press or as a pour-over, decaf is brewed "
              "exactly like any other coffee.",
         links=[]),

    dict(path="/blog/cupping-at-home", title="How to Cup Coffee at Home | Ridgeline Coffee Roasters",
         h1="Cupping at home",
         description="A simple way to taste coffees side by side at home, the way roasters do, with only "
                     "bowls, a spoon and a kettle.",
         body="Cupping is how roasters and buyers taste coffee. It sounds technical, but all you need is a "
              "few small bowls, a soup spoon, a kettle and two or three coffees you want to compare. Weigh 12 "
              "grams of each coffee into its own bowl and grind it medium-coarse, a little finer than for a "
              "French press. Smell the dry grounds first. Then pour 200 grams of water just off the boil into "
              "each bowl and wait four minutes. A crust of grounds forms on top. Break it by pushing the "
              "grounds back with the spoon, and smell the aroma that comes up; this is the best moment of any "
              "cupping. Skim off the foam, wait until the coffee has cooled a little, and slurp a spoonful "
              "loudly so it sprays across your tongue. Go back and forth between the bowls. Cupping a washed "
              "coffee like the Ethiopia Yirgacheffe Kochere next to a natural like the Brazil Cerrado Natural "
              "is the fastest way to learn the difference processing makes. Taste again as the coffee cools; "
              "flavours change a lot. Write down what you notice, even if it is only sweeter or more sour.",
         links=[]),

    dict(path="/blog/new-kenya-lot-has-landed", title="The New Kenya Lot Has Landed | Ridgeline Coffee Roasters",
         h1="The new Kenya lot has landed",
         description="This year's Gatomboya from Nyeri is in the roastery: what changed, how it tastes, and "
                     "how to brew it.",
         body="Every year we wait for the Kenyan coffee with a mixture of excitement and nerves, because "
              "Kenyan lots vary so much from season to season. This year's Kenya Nyeri Gatomboya arrived last "
              "week, after six weeks at sea, and we are delighted. The rains in Nyeri came at the right time, "
              "the cherries ripened slowly, and the cup is the sweetest we have had from the Gatomboya "
              "factory: blackcurrant and rhubarb up front, pink grapefruit behind, and a syrupy body. We paid "
              "the cooperative well above the market price again, and for the first time we bought the lot "
              "before it was shipped, based on pre-shipment samples roasted by Priya. It is the star of this "
              "month's Roaster's Choice coffee subscription, and it is on pour-over at our café this week. "
              "Brewing tip: Kenyan coffee is very dense, so grind a touch finer than usual and keep the water "
              "hot. If it tastes sharp, lengthen the brew time a little; our pour-over brewing guide explains "
              "how.",
         links=[("Kenya Nyeri Gatomboya", "/shop/single-origin/kenya-nyeri-gatomboya"),
                ("coffee subscription", "/shop/subscriptions"),
                ("pour-over brewing guide", "/guides/pour-over-brewing-guide")]),

    dict(path="/blog/how-we-choose-our-farms", title="How We Choose Our Farms | Ridgeline Coffee Roasters",
         h1="How we choose our farms",
         description="Long-term relationships, fair prices and cupping scores: how we decide which farms and "
                     "cooperatives to buy from.",
         body="We buy coffee from eleven farms and cooperatives, and most of them we have worked with for "
              "at least three years. Finding a new partner is slow on purpose. It usually starts with samples: "
              "an importer we trust sends us green coffee from a region we are interested in, and we cup "
              "dozens of lots blind. If a coffee stands out, we ask about the people who grew it: how the farm "
              "is run, how pickers are paid, and what the producer needs from a buyer. Price is part of that "
              "conversation from the start. We publish what we pay per kilo of green coffee on each product "
              "page, and we aim to pay at least twice the market price. Then we visit, as we did on our "
              "harvest trip to Huila, because a relationship needs faces as well as emails. Once we commit, "
              "we try to buy every year, even when the harvest is smaller or the cup is not quite as good, "
              "because farmers cannot plan with buyers who disappear. This is how the Guatemala Huehuetenango "
              "La Esperanza and the Kenya Nyeri Gatomboya came to our menu, and why they keep coming back.",
         links=[("harvest trip to Huila", "/blog/harvest-trip-to-huila"),
                ("Guatemala Huehuetenango La Esperanza",
                 "/shop/single-origin/guatemala-huehuetenango-la-esperanza")]),
]

# Rows a real crawl also contains: not link targets, but they must import cleanly and be reported.
EXTRA_ROWS = [
    dict(path="/cart", title="Your Basket | Ridgeline Coffee Roasters", h1="Your basket", description="",
         body="Your basket is empty. Browse our single origin coffees, blends and brewing gear, or start a "
              "coffee subscription.", status=200, indexability="Non-Indexable", indexability_status="noindex"),
    dict(path="/old-espresso-guide", title="", h1="", description="", body="", status=301,
         indexability="Non-Indexable", indexability_status="Redirected"),
    dict(path="/downloads/wholesale-price-list.pdf", title="", h1="", description="", body="", status=200,
         content_type="application/pdf", indexability="Indexable", indexability_status=""),
]
