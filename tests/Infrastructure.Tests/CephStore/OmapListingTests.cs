using Blacksmith.Infrastructure.CephStore;

namespace Blacksmith.Infrastructure.Tests.CephStore;

/// <summary><c>rados listomapvals</c> as Ceph 16 prints it, read back byte for byte.</summary>
public sealed class OmapListingTests
{
    [Fact]
    public void Every_entry_is_read_from_its_hex_dump_whatever_its_value_holds()
    {
        const string output = """
            exp.abc
            value (12 bytes) :
            00000000  7b 22 69 64 22 3a 22 61  62 63 22 7d              |{"id":"abc"}|
            0000000c

            weird key
            value (14 bytes) :
            00000000  7b 22 61 22 3a 22 62 20  63 5c 6e 64 22 7d        |{"a":"b c\nd"}|
            0000000e


            """;

        var entries = OmapListing.Parse(output);

        Assert.Equal(2, entries.Count);
        Assert.Equal("""{"id":"abc"}""", entries["exp.abc"]);
        Assert.Equal("""{"a":"b c\nd"}""", entries["weird key"]);
    }

    [Fact]
    public void An_empty_listing_has_no_entries()
    {
        Assert.Empty(OmapListing.Parse(string.Empty));
    }
}
