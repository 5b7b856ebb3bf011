using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Infrastructure.Tests.Ci;

public sealed class SecretMaskerTests
{
    [Fact]
    public void A_registered_secret_is_replaced_everywhere()
    {
        var masker = new SecretMasker();
        masker.Add("hunter2");

        Assert.Equal("a *** b ***", masker.Redact("a hunter2 b hunter2"));
    }

    [Fact]
    public void Each_line_of_a_multi_line_secret_is_a_secret_of_its_own()
    {
        var masker = new SecretMasker();
        masker.Add("-----BEGIN KEY-----\n  abcdef  \n-----END KEY-----");

        Assert.Equal("key: ***", masker.Redact("key: abcdef"));
        Assert.Equal("***", masker.Redact("-----BEGIN KEY-----\n  abcdef  \n-----END KEY-----"));
    }

    [Fact]
    public void The_longest_secret_is_replaced_before_a_part_of_it()
    {
        var masker = new SecretMasker();
        masker.Add("abc");
        masker.Add("abcdef");

        Assert.Equal("***", masker.Redact("abcdef"));
    }

    [Fact]
    public void Encoders_cover_secrets_registered_before_and_after()
    {
        var masker = new SecretMasker();
        masker.Add("before");
        masker.AddEncoder(s => s.ToUpperInvariant());
        masker.Add("after");

        Assert.Equal("*** *** *** ***", masker.Redact("before BEFORE after AFTER"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n ")]
    public void Blank_values_are_not_secrets(string value)
    {
        var masker = new SecretMasker();
        masker.Add(value);

        Assert.True(masker.IsEmpty);
        Assert.Equal("a b", masker.Redact("a b"));
    }
}
