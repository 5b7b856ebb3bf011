using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Infrastructure.Tests.Ci;

/// <summary>
/// The cases of @docker/actions-toolkit v0.37.1 <c>__tests__/util.test.ts</c> (getInputList), and csv-parse 5's
/// relax_quotes behaviour, which the list inputs inherit.
/// </summary>
public sealed class ListInputParserTests
{
    private const ListInputOptions IgnoreComma = ListInputOptions.IgnoreComma;

    private static IReadOnlyList<string> Split(string input, ListInputOptions options = ListInputOptions.None) =>
        ListInputParser.Split("test", input, options, "INPUT_TEST");

    [Theory]
    [InlineData("bar", new[] { "bar" })]
    [InlineData("", new string[0])]
    [InlineData("bar\nbaz", new[] { "bar", "baz" })]
    [InlineData("bar\n\nbaz", new[] { "bar", "baz" })]
    [InlineData("bar,baz", new[] { "bar", "baz" })]
    [InlineData("bar,baz,", new[] { "bar", "baz" })]
    [InlineData("bar\r\nbaz", new[] { "bar", "baz" })]
    [InlineData("bar\r\nbaz,bat", new[] { "bar", "baz", "bat" })]
    [InlineData("foo=bar\nbar=qux#baz", new[] { "foo=bar", "bar=qux#baz" })]
    [InlineData("linux/amd64\n\"linux/arm64,linux/arm/v7\"", new[] { "linux/amd64", "linux/arm64", "linux/arm/v7" })]
    public void Comma_split_lists_match_the_toolkit(string input, string[] expected) => Assert.Equal(expected, Split(input));

    [Theory]
    [InlineData("user/app:cache\ntype=local,src=path/to/dir", new[] { "user/app:cache", "type=local,src=path/to/dir" })]
    [InlineData("user/app:cache\r\ntype=local,src=path/to/dir", new[] { "user/app:cache", "type=local,src=path/to/dir" })]
    public void Lists_that_ignore_commas_keep_each_line_whole(string input, string[] expected) =>
        Assert.Equal(expected, Split(input, IgnoreComma));

    [Fact]
    public void A_quoted_value_keeps_its_line_breaks_and_commas_when_commas_are_ignored()
    {
        const string input = "GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n\"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc\"\nFOO=bar\n\"EMPTYLINE=aaaa\n\nbbbb\nccc\"";

        Assert.Equal(
            ["GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789", "MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc", "FOO=bar", "EMPTYLINE=aaaa\n\nbbbb\nccc"],
            Split(input, IgnoreComma));
    }

    [Fact]
    public void An_unquoted_multi_line_value_falls_apart_into_lines()
    {
        const string input = "GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\nMYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc\nFOO=bar";

        Assert.Equal(
            ["GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789", "MYSECRET=aaaaaaaa", "bbbbbbb", "ccccccccc", "FOO=bar"],
            Split(input, IgnoreComma));
    }

    [Fact]
    public void A_doubled_quote_inside_quotes_is_one_quote()
    {
        const string input = "GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n\"MYSECRET=aaaaaaaa\nbbbb\"\"bbb\nccccccccc\"\nFOO=bar";

        Assert.Equal(["GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789", "MYSECRET=aaaaaaaa\nbbbb\"bbb\nccccccccc", "FOO=bar"], Split(input, IgnoreComma));
    }

    [Theory]
    [InlineData("\"env.no_proxy=localhost,127.0.0.1,.mydomain\"")]
    [InlineData("type=image,\"name=ghcr.io/nginxinc/nginx-unprivileged,docker.io/nginxinc/nginx-unprivileged\",push-by-digest=true,name-canonical=true,push=true")]
    public void Without_quotes_and_commas_a_line_stays_byte_identical(string input) =>
        Assert.Equal([input], Split(input, IgnoreComma | ListInputOptions.NoQuotes));

    [Fact]
    public void A_quoted_single_field_is_still_split_on_commas_unless_commas_are_ignored()
    {
        Assert.Equal(["a", "b"], Split("\"a,b\""));
        Assert.Equal(["a,b"], Split("\"a,b\"", IgnoreComma));
    }

    [Fact]
    public void Several_fields_are_joined_again_when_commas_are_ignored_and_lose_their_quotes()
    {
        Assert.Equal(["type=registry,ref=user/app:cache,mode=max"], Split("type=registry,\"ref=user/app:cache\",mode=max", IgnoreComma));
    }

    [Theory]
    [InlineData("the \"SAMAY\" Hostel", "the \"SAMAY\" Hostel")]
    [InlineData("\"b\" c", "\"b\" c")]
    [InlineData("\"\"b\" c", "\"\"b\" c")]
    [InlineData("\"\"b\"\" c", "\"\"b\"\" c")]
    [InlineData("b \"c\"", "b \"c\"")]
    [InlineData("Bob\"\"", "Bob\"\"")]
    public void Relaxed_quotes_inside_or_after_a_value_stay_literal(string field, string expected)
    {
        // csv-parse 5.5.6 test/option.relax_quotes.coffee, one field at a time.
        Assert.Equal([expected], Split(field, IgnoreComma));
    }

    [Fact]
    public void Items_are_trimmed_after_empty_ones_are_dropped_so_blank_items_survive_as_empty()
    {
        Assert.Equal(["a", "", "b"], Split(" a , ,b"));
    }

    [Fact]
    public void The_first_line_break_decides_the_record_delimiter()
    {
        // With "\r" first, a later "\n" is an ordinary character of the value.
        Assert.Equal(["a", "b\nc"], Split("a\rb\nc", IgnoreComma));
        Assert.Equal(["a", "b", "c"], Split("a\nb\nc", IgnoreComma));
    }

    [Fact]
    public void A_line_with_only_empty_quotes_is_a_record_whose_item_is_dropped()
    {
        Assert.Equal(["a", "b"], Split("a\n\"\"\nb"));
    }

    [Theory]
    [InlineData("\"open")]
    [InlineData("a\n\"b,c")]
    [InlineData("\"a\"\"")]
    public void A_quote_never_closed_is_an_error(string input)
    {
        var error = Assert.Throws<CiInputException>(() => Split(input));

        Assert.Equal("test", error.InputName);
        Assert.Contains("INPUT_TEST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_quote_handling_an_unbalanced_quote_is_ordinary()
    {
        Assert.Equal(["\"open", "x"], Split("\"open,x", ListInputOptions.NoQuotes));
    }
}
