using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>Which cache keys the local store accepts, and that a bad one never reaches a path.</summary>
public sealed class CacheKeyTests
{
    public static TheoryData<string, string> BadKeys => new()
    {
        { "", "it is empty" },
        { "../../etc/passwd", "it starts with '.'" },
        { "acme/../../etc", "it contains '..'" },
        { "/etc/passwd", "it starts with '/'" },
        { ".hidden", "it starts with '.'" },
        { "acme//widgets", "it contains '//'" },
        { "acme/widgets/", "it ends in '/'" },
        { "with space", "it contains the character U+0020" },
        { "line\nbreak", "it contains the character U+000A" },
        { "nul\0byte", "it contains the character U+0000" },
        { "back\\slash", "it contains '\\'" },
        { "per%2Fcent", "it contains '%'" },
        { "caf\u00e9", "it contains '\u00e9'" },
        { new string('k', 129), "it is 129 characters long" },
        { "a/" + string.Concat(Enumerable.Repeat("b/", 62)) + "c", "it is too long once its / : + @ are encoded" },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_key_is_refused_with_what_is_wrong_and_touches_no_path(string key, string problem)
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        using var store = h.Store();
        await store.UpAsync(Ct);

        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => store.ExposeAsync(key, Ct));

        Assert.Equal("stickydisk.expose", refused.Operation);
        Assert.Equal(ExternalErrorKind.Failed, refused.Kind);
        Assert.Contains("is not valid: " + problem, refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(h.DataDirectory, "keys")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(h.DataDirectory, "exposures")));
        var settle = await Assert.ThrowsAsync<ExternalCallException>(() => store.SettleAsync(new DiskSettlement("exp-1", key, Commit: true, null), Ct));
        Assert.Contains("is not valid", settle.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme/widgets")]
    [InlineData("linux-x64:buildkit+cache@v2")]
    [InlineData("A.b_c-9")]
    [InlineData("9")]
    public void A_good_key_becomes_one_path_component_and_back(string key)
    {
        var name = CacheKeyName.Encode(key, "test");

        Assert.DoesNotContain('/', name);
        Assert.NotEqual("..", name);
        Assert.Equal(key, CacheKeyName.Decode(name));
    }

    [Fact]
    public void Keys_that_differ_only_in_punctuation_get_different_directories()
    {
        string[] keys = ["a/b", "a:b", "a+b", "a@b", "a.b", "a_b", "a-b"];

        Assert.Equal(keys.Length, keys.Select(k => CacheKeyName.Encode(k, "test")).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("%2E%2E")]
    [InlineData("a%2")]
    [InlineData("a%41b")]
    [InlineData(".cache")]
    public void A_directory_name_the_store_did_not_make_is_not_taken_for_a_key(string name)
    {
        Assert.Null(CacheKeyName.Decode(name));
    }
}
