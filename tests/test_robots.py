"""robots.txt is read in one module (inlink.fetch.robots): the sitemap reader asks it for the Sitemap lines."""
from inlink.fetch.robots import named_sitemaps


def test_the_sitemaps_a_robots_txt_names_are_read_whole_once_each_past_a_byte_order_mark():
    """A Notepad robots.txt opens with a byte-order mark; a relative Sitemap line is made whole on the robots.txt's
    address; a sitemap named twice is asked once."""
    body = ("\ufeffSitemap: /sitemap_index.xml\nUser-agent: *\nDisallow: /private/\n"
            "Sitemap: https://a.example/news.xml\nSitemap: /sitemap_index.xml\n").encode()
    assert named_sitemaps(body, "https://a.example/robots.txt") == [
        "https://a.example/sitemap_index.xml", "https://a.example/news.xml"]


def test_a_robots_txt_naming_no_sitemap_names_none():
    assert named_sitemaps(b"User-agent: *\nDisallow:\n", "https://a.example/robots.txt") == []
