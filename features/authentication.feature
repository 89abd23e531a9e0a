@authentication
Feature: Authentication
  Phase 1 of the post-deploy check: an account logs in with its email and
  password and receives a bearer token; everything else is refused with 401.

  Scenario: An account logs in and receives a bearer token
    When I log in as the primary account
    Then I receive a bearer token

  Scenario: A wrong password and an unknown email are refused alike
    When I log in as the primary account with a wrong password
    Then the login is refused
    When I log in with an unknown email
    Then the login is refused
    And both refusals are identical

  Scenario: A login body with an unknown field is rejected
    When I log in with the body field "role" set to "admin"
    Then the request is rejected as invalid
    And the error detail mentions "role"

  Scenario Outline: Reading settings with <kind> token is refused
    Given I am logged in as the primary account
    When I fetch my settings with <kind> token
    Then I am asked to authenticate with a bearer token

    Examples:
      | kind          |
      | no            |
      | a garbage     |
      | an unsigned   |
      | a foreign-key |
      | a truncated   |

  @signing_key
  Scenario Outline: A correctly signed but <kind> token is refused
    Given I am logged in as the primary account
    When I fetch my settings with <kind> token
    Then I am asked to authenticate with a bearer token

    Examples:
      | kind               |
      | an expired         |
      | an unknown-account |

  @writes
  Scenario Outline: Saving settings with <kind> token is refused and changes nothing
    Given I am logged in as the primary account
    When I save my settings with <kind> token
    Then I am asked to authenticate with a bearer token
    And my settings are unchanged

    Examples:
      | kind          |
      | no            |
      | an unsigned   |
      | a foreign-key |

  Scenario Outline: A malformed Authorization header is refused
    Given I am logged in as the primary account
    When I fetch my settings with the Authorization header "<header>"
    Then I am asked to authenticate with a bearer token

    Examples:
      | header               |
      | Basic dXNlcjpwYXNz   |
      | Bearer               |
      | Bearer a b c         |
      | bearer-token-only    |
