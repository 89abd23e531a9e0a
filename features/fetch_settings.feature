@fetch
Feature: Fetch settings
  Phase 2: an account reads its own business, in the contract's shape; an account that
  owns no business gets 404, for reading and for saving.

  Scenario: An account reads its own business
    Given I am logged in as the primary account
    When I fetch my settings
    Then the request succeeds
    And I see my own business

  @no_business
  Scenario: An account that owns no business gets 404
    Given I am logged in as an account without a business
    When I fetch my settings
    Then the response status is 404

  @no_business @writes
  Scenario: An account that owns no business cannot save settings either
    Given I am logged in as an account without a business
    When I save my settings with:
      | field | value        |
      | name  | Lex Makes It |
    Then the response status is 404
