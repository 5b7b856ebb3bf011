using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.CephStore;

/// <summary>How cache keys become object, image and snapshot names in the cluster (docs/agent.md, "Names in the cluster").</summary>
public sealed class CephImageNamesTests
{
    private static readonly Faker Faker = new() { Random = new Randomizer(103) };

    [Theory]
    [InlineData("shop-image", "shop-image")]
    [InlineData("acme/widgets:main+cache@v1", "acme%2Fwidgets%3Amain%2Bcache%40v1")]
    [InlineData("a.b_c-d", "a.b_c-d")]
    public void A_key_is_encoded_as_the_local_store_encodes_it_and_its_images_are_named_key_tilde_expose_id(string key, string encoded)
    {
        Assert.Equal(encoded, CephImageNames.Encode(key, "test"));
        Assert.Equal("blacksmith.key." + encoded, CephImageNames.KeyObject(encoded));
        var image = CephImageNames.Image(encoded, "c0123456789abcdef");

        Assert.Equal(encoded + "~c0123456789abcdef", image);
        Assert.DoesNotContain('/', image);
        Assert.DoesNotContain('@', image);
        Assert.True(CephImageNames.IsImageOf(image, encoded));
        Assert.Equal("c0123456789abcdef", CephImageNames.ExposeIdOf(image));
    }

    [Fact]
    public void Keys_that_differ_only_in_an_encoded_character_or_a_prefix_never_share_images()
    {
        var slash = CephImageNames.Encode("a/b", "test");
        var colon = CephImageNames.Encode("a:b", "test");
        var prefix = CephImageNames.Encode("a", "test");

        Assert.NotEqual(slash, colon);
        Assert.False(CephImageNames.IsImageOf(CephImageNames.Image(slash, "c1"), colon));
        Assert.False(CephImageNames.IsImageOf(CephImageNames.Image(slash, "c1"), prefix));
        Assert.False(CephImageNames.IsImageOf(CephImageNames.Image(prefix + "x", "c1"), prefix));
    }

    [Fact]
    public void A_long_key_is_cut_and_hashed_so_that_an_image_name_stays_a_file_name_under_rbd_fuse()
    {
        var key = string.Join('/', Enumerable.Range(0, 40).Select(_ => Faker.Random.AlphaNumeric(2))) + "@" + Faker.Random.AlphaNumeric(5);
        var encoded = CephImageNames.Encode(key, "test");
        var other = CephImageNames.Encode(key[..^1] + (key[^1] == 'x' ? 'y' : 'x'), "test");

        var image = CephImageNames.Image(encoded, "c0123456789abcdef");

        Assert.True(encoded.Length > CephImageNames.MaxKeyPart);
        Assert.True(image.Length <= 255, image);
        Assert.True(CephImageNames.IsImageOf(image, encoded));
        Assert.False(CephImageNames.IsImageOf(image, other));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    [InlineData("has space")]
    [InlineData("ends/")]
    public void A_key_the_local_store_refuses_is_refused_here_too(string key)
    {
        var refused = Assert.Throws<ExternalCallException>(() => CephImageNames.Encode(key, "stickydisk.expose"));

        Assert.Contains("is not valid", refused.Message, StringComparison.Ordinal);
    }
}
